//! CPU time spent by core, by PostgreSQL and by this load generator during a
//! scenario, per request. Throughput on a shared 2-core machine moves with
//! whatever else runs on it; the CPU each request costs moves much less, so
//! it is what to compare between two builds.

use std::fs;

/// Linux reports process times in USER_HZ, which is 100 on every platform
/// this runs on.
const TICKS_PER_SECOND: f64 = 100.0;

#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    core: u64,
    postgres: u64,
    load: u64,
}

pub struct Meter {
    core_pid: u32,
}

/// user + system ticks of one process, from /proc/<pid>/stat.
fn ticks(stat_path: &str) -> Option<(String, u64)> {
    let stat = fs::read_to_string(stat_path).ok()?;
    // The command name is in parentheses and may contain spaces.
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based).
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((name, user + system))
}

impl Meter {
    pub fn new(core_pid: u32) -> Self {
        Meter { core_pid }
    }

    pub fn sample(&self) -> Sample {
        let core = ticks(&format!("/proc/{}/stat", self.core_pid)).map_or(0, |(_, t)| t);
        let load = ticks("/proc/self/stat").map_or(0, |(_, t)| t);
        let postgres = fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| ticks(&format!("{}/stat", entry.path().display())))
            .filter(|(name, _)| name == "postgres")
            .map(|(_, t)| t)
            .sum();
        Sample {
            core,
            postgres,
            load,
        }
    }

    /// The CPU spent since `before`.
    pub fn since(&self, before: Sample) -> Spent {
        let after = self.sample();
        Spent(Sample {
            core: after.core.saturating_sub(before.core),
            postgres: after.postgres.saturating_sub(before.postgres),
            load: after.load.saturating_sub(before.load),
        })
    }
}

/// CPU ticks spent by each process over one or more runs of a scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spent(Sample);

impl Spent {
    pub fn add(&mut self, other: Spent) {
        self.0.core += other.0.core;
        self.0.postgres += other.0.postgres;
        self.0.load += other.0.load;
    }

    /// "core x ms, PostgreSQL y ms, client z ms of CPU per request".
    pub fn per_request(&self, requests: usize) -> String {
        let ms = |ticks: u64| ticks as f64 / TICKS_PER_SECOND * 1000.0 / requests.max(1) as f64;
        format!(
            "CPU/req: core {:.2} ms, PostgreSQL {:.2} ms, client {:.2} ms",
            ms(self.0.core),
            ms(self.0.postgres),
            ms(self.0.load)
        )
    }
}
