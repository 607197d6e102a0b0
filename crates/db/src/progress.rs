//! Progress of a long command-line run (`migrate import-original`, `scheduler
//! backfill`): a bar with rows done of total, rate and time left on a
//! terminal; plain log lines otherwise, so CI logs and Kubernetes Jobs get
//! readable lines instead of carriage-return noise.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often the plain (non-terminal) display prints an intermediate line.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// One unit of work with a known total (a table's rows, a backfill's days).
pub struct Progress {
    label: String,
    unit: &'static str,
    total: u64,
    done: u64,
    started: Instant,
    display: Display,
}

enum Display {
    Bar(ProgressBar),
    Lines { last: Instant },
    Quiet,
}

impl Progress {
    /// A bar on a terminal (stderr), log lines otherwise.
    pub fn new(label: &str, unit: &'static str, total: u64) -> Progress {
        let display = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{prefix:>26} [{bar:30}] {human_pos}/{human_len} {msg} {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(label.to_owned());
            bar.set_message(unit);
            Display::Bar(bar)
        } else {
            Display::Lines {
                last: Instant::now(),
            }
        };
        Progress {
            label: label.to_owned(),
            unit,
            total,
            done: 0,
            started: Instant::now(),
            display,
        }
    }

    /// Counts only (tests, library callers that print nothing).
    pub fn quiet(label: &str, unit: &'static str, total: u64) -> Progress {
        Progress {
            label: label.to_owned(),
            unit,
            total,
            done: 0,
            started: Instant::now(),
            display: Display::Quiet,
        }
    }

    pub fn inc(&mut self, n: u64) {
        self.done += n;
        match &mut self.display {
            Display::Bar(bar) => bar.inc(n),
            Display::Lines { last } if last.elapsed() >= LOG_EVERY => {
                *last = Instant::now();
                eprintln!("{}", self.line());
            }
            Display::Lines { .. } | Display::Quiet => {}
        }
    }

    /// Runs `f` (which prints) with the bar hidden, so printed lines do not
    /// tear through it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.display {
            Display::Bar(bar) => bar.suspend(f),
            Display::Lines { .. } | Display::Quiet => f(),
        }
    }

    pub fn done(&self) -> u64 {
        self.done
    }

    /// Ends the display with a summary line (both modes).
    pub fn finish(self) {
        match &self.display {
            Display::Bar(bar) => bar.finish_and_clear(),
            Display::Lines { .. } | Display::Quiet => {}
        }
        if !matches!(self.display, Display::Quiet) {
            eprintln!("{}", self.line());
        }
    }

    /// "<label>: 1,200/5,000 rows, 3,400 rows/s, 1.1 s left" (or the total time when done).
    fn line(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        };
        let tail = if self.done >= self.total {
            format!("{secs:.1} s")
        } else if rate > 0.0 {
            format!("{:.0} s left", (self.total - self.done) as f64 / rate)
        } else {
            "time left unknown".to_owned()
        };
        format!(
            "{}: {}/{} {}, {:.0} {}/s, {tail}",
            self.label, self.done, self.total, self.unit, rate, self.unit
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_reports_done_of_total_and_rate() {
        let mut progress = Progress::quiet("order_items", "rows", 10);
        progress.inc(4);
        let line = progress.line();
        assert!(line.starts_with("order_items: 4/10 rows, "), "{line}");
        assert!(line.contains("rows/s"), "{line}");
        progress.inc(6);
        assert!(progress.line().ends_with(" s"), "{}", progress.line());
        assert_eq!(progress.done(), 10);
    }
}
