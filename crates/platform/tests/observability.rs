//! The alert rules (deploy/prometheus) and the Grafana dashboard
//! (deploy/grafana) name only metrics the services export, with labels those
//! metrics carry; the dashboard is JSON Grafana can load and shows every
//! metric; the alerts the operator needs exist. (promtool checks the rules'
//! syntax and behaviour in `make check-alerts`.)

use platform::metrics::{CATALOGUE, Kind, Metric};
use std::path::PathBuf;

fn repo_file(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Labels Prometheus adds when it scrapes, or that histograms carry.
const SCRAPE_LABELS: &[&str] = &["job", "instance", "pod", "le"];

/// The catalogue entry a series name belongs to (a histogram's
/// `_bucket`/`_sum`/`_count` series included).
fn metric_of(series: &str) -> Option<&'static Metric> {
    CATALOGUE.iter().find(|m| {
        m.name == series
            || (m.kind == Kind::Histogram
                && ["_bucket", "_sum", "_count"]
                    .iter()
                    .any(|suffix| series.strip_suffix(suffix) == Some(m.name)))
    })
}

/// Every `marketbill_…` name in `text`, with the label keys of the selector
/// that follows it (`name{key="v", other=~"…"}`), if any.
fn references(text: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("marketbill_") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        let name = tail[..end].to_owned();
        let mut keys = Vec::new();
        let after = &tail[end..];
        if let Some(selector) = after.strip_prefix('{') {
            // key op "value", … up to the closing brace outside quotes.
            let mut key = String::new();
            let (mut in_value, mut quoted, mut escaped) = (false, false, false);
            for c in selector.chars() {
                match (quoted, c) {
                    (true, '\\') if !escaped => escaped = true,
                    (true, '"') if !escaped => quoted = false,
                    (true, _) => escaped = false,
                    (false, '"') => quoted = true,
                    (false, '}') => break,
                    (false, ',') => in_value = false,
                    (false, '=' | '!' | '~') => {
                        if !in_value && !key.trim().is_empty() {
                            keys.push(key.trim().to_owned());
                        }
                        key.clear();
                        in_value = true;
                    }
                    (false, c) if !in_value => key.push(c),
                    _ => {}
                }
            }
        }
        found.push((name, keys));
        rest = &tail[end..];
    }
    found
}

fn check_references(file: &str, text: &str) -> Vec<String> {
    let refs = references(text);
    assert!(!refs.is_empty(), "{file} names no metric");
    let mut named = Vec::new();
    for (series, keys) in refs {
        let metric = metric_of(&series)
            .unwrap_or_else(|| panic!("{file}: {series} is not a metric the services export"));
        for key in keys {
            assert!(
                metric.labels.contains(&key.as_str()) || SCRAPE_LABELS.contains(&key.as_str()),
                "{file}: {series} has no label {key} (it has {:?})",
                metric.labels
            );
        }
        named.push(metric.name.to_owned());
    }
    named
}

fn exprs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("expr", serde_json::Value::String(expr)) => out.push(expr.clone()),
                    _ => exprs(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| exprs(v, out)),
        _ => {}
    }
}

#[test]
fn the_dashboard_is_json_showing_every_exported_metric_and_nothing_else() {
    let file = "deploy/grafana/marketbill.json";
    let dashboard: serde_json::Value =
        serde_json::from_str(&repo_file(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(dashboard["uid"], "marketbill");
    let panels = dashboard["panels"].as_array().expect("panels");
    let graphs: Vec<_> = panels.iter().filter(|p| p["type"] != "row").collect();
    assert!(graphs.len() >= 10, "{} panels", graphs.len());
    for panel in &graphs {
        let targets = panel["targets"].as_array().map_or(0, Vec::len);
        assert!(targets > 0, "panel {} has no query", panel["title"]);
        assert_eq!(
            panel["datasource"]["type"], "prometheus",
            "{}",
            panel["title"]
        );
    }
    let mut all = Vec::new();
    exprs(&dashboard, &mut all);
    let named = check_references(file, &all.join("\n"));
    for metric in CATALOGUE {
        assert!(
            named.iter().any(|n| n == metric.name),
            "the dashboard does not show {}",
            metric.name
        );
    }
}

#[test]
fn the_alert_rules_name_exported_metrics_and_cover_the_signals() {
    for file in [
        "deploy/prometheus/alerts.yml",
        "deploy/prometheus/alerts.test.yml",
    ] {
        check_references(file, &repo_file(file));
    }
    let rules = repo_file("deploy/prometheus/alerts.yml");
    for alert in [
        "AuctionSyncMissedKstDay",
        "OutboxBacklogOlderThan10Minutes",
        "SmsFailureRatioHigh",
        "Http5xxRatioHigh",
        "DayViewP99Slow",
    ] {
        assert!(
            rules.contains(&format!("- alert: {alert}\n")),
            "no alert {alert}"
        );
    }
    // The day view alert watches the operation the wholesaler's client sends.
    let operations = repo_file("services/core/operations/wholesaler.graphql");
    assert!(operations.contains("query DayView("));
    assert!(rules.contains(r#"operation="DayView""#));
}

#[test]
fn references_are_read_with_their_labels() {
    let refs = references(
        r#"sum(rate(marketbill_x_total{a="1", b=~"2|3}", c!="x,y=z"}[5m])) / marketbill_y"#,
    );
    assert_eq!(
        refs,
        vec![
            (
                "marketbill_x_total".to_owned(),
                vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]
            ),
            ("marketbill_y".to_owned(), vec![]),
        ]
    );
    assert!(metric_of("marketbill_http_request_duration_seconds_bucket").is_some());
    assert!(metric_of("marketbill_http_requests_total_bucket").is_none());
}
