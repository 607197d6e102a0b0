//! What an import did, by table and rule. It counts rows and never prints a
//! row's content: phone numbers, names and hashes stay out of logs.

use super::rules::Action;
use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: &'static str,
    /// Rows in the original table (0 when the table does not exist there).
    pub read: u64,
    /// Rows written into ours (read minus skipped).
    pub imported: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub table: &'static str,
    pub rule: &'static str,
    pub action: Action,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCarried {
    pub table: &'static str,
    pub rows: u64,
    pub why: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub dry_run: bool,
    pub tables: Vec<TableCount>,
    /// Only rules that matched at least one row.
    pub anomalies: Vec<Anomaly>,
    pub not_carried: Vec<NotCarried>,
    /// Original tables absent from the source (read as empty).
    pub missing_tables: Vec<&'static str>,
    /// Legacy columns present in the source and deliberately not read.
    pub legacy_columns: Vec<String>,
    pub elapsed: Duration,
}

impl Report {
    /// Rows a rule changed in a table (0 when it matched nothing).
    pub fn rows(&self, table: &str, rule: &str) -> u64 {
        self.anomalies
            .iter()
            .filter(|a| a.table == table && a.rule == rule)
            .map(|a| a.rows)
            .sum()
    }

    pub fn imported(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.imported)
    }

    pub fn total_imported(&self) -> u64 {
        self.tables.iter().map(|t| t.imported).sum()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run {
            "would import (dry run: nothing written)"
        } else {
            "imported"
        };
        writeln!(f, "import-original: {verb}")?;
        writeln!(f, "  {:<26} {:>10} {:>10}", "table", "read", "imported")?;
        for t in &self.tables {
            writeln!(f, "  {:<26} {:>10} {:>10}", t.table, t.read, t.imported)?;
        }
        if self.anomalies.is_empty() {
            writeln!(f, "anomalies: none")?;
        } else {
            writeln!(
                f,
                "anomalies (rows our constraints refuse, by table and rule):"
            )?;
            for a in &self.anomalies {
                writeln!(
                    f,
                    "  {:<26} {:<13} {:>8}  {}",
                    a.table,
                    a.action.as_str(),
                    a.rows,
                    a.rule
                )?;
            }
        }
        for n in &self.not_carried {
            writeln!(f, "not carried: {} ({} rows): {}", n.table, n.rows, n.why)?;
        }
        for c in &self.legacy_columns {
            writeln!(f, "not carried: legacy column {c}")?;
        }
        for t in &self.missing_tables {
            writeln!(f, "absent from the source (read as empty): {t}")?;
        }
        write!(f, "took {:.1} s", self.elapsed.as_secs_f64())
    }
}
