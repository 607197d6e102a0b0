//! Deployment drift: docker-compose.yml and the Kubernetes overlays give every
//! service exactly the configuration it reads, on an address a container can
//! be reached on.
//!
//! How: each file is rendered by its own tool — `docker-compose config` with
//! `.env.example` as the env file (as an operator's `cp .env.example .env`
//! would interpolate), `kubectl kustomize` for each overlay — and each
//! service's environment from it is handed, alone (`env_clear`), to the
//! service's real binary as `<service> config check`. That loads the
//! configuration through the same `Config::from_env` serving uses and names
//! every variable it asked for (`platform::config::Env` records them). A
//! variable given but never read is a typo or a leftover (`S3_BUCKET` for
//! `RECEIPT_S3_BUCKET`); a variable `.env.example` documents and the service
//! reads but compose does not pass would be silently ignored; a loopback
//! listen address is unreachable from outside the container.
//!
//! Why the binaries and not the four service crates as dev-dependencies of
//! this crate: DESIGN keeps the service crates apart (no crate depends on a
//! service), the harness already runs the binaries (`make test` builds them
//! first), and so the check also covers the binary's own environment handling.
//!
//! Needs `docker-compose`, `kubectl` and the `.tools/deploy` venv (for its
//! YAML reader), all installed by `make tools` (scripts/tools.sh).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SERVICES: [&str; 4] = ["core", "receipt", "messaging", "scheduler"];

/// Variables the binaries read outside `platform::config::Env` (so `config
/// check` cannot see them), with where and the text that proves it still
/// does: a waiver that outlives its code fails.
const READ_OUTSIDE_ENV: [(&str, &str, &str); 3] = [
    (
        "LOG_FORMAT",
        "crates/platform/src/telemetry.rs",
        "\"LOG_FORMAT\"",
    ),
    // EnvFilter reads RUST_LOG itself.
    (
        "RUST_LOG",
        "crates/platform/src/telemetry.rs",
        "from_default_env",
    ),
    // Spans go out only when it is set; the OpenTelemetry SDK reads it too.
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "crates/platform/src/otlp.rs",
        "ENDPOINT_VAR: &str = \"OTEL_EXPORTER_OTLP_ENDPOINT\"",
    ),
];

/// The secrets .env.example leaves empty for the operator to fill in (`make keys`).
const OPERATOR_SECRETS: [&str; 3] = ["JWT_SIGNING_KEY", "JWT_PUBLIC_KEY", "SERVICE_TOKEN"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Same rule as the harness: `MARKETBILL_BIN_DIR`, else this test binary's profile directory.
fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("MARKETBILL_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target profile directory")
        .to_path_buf()
}

/// Runs a tool from the repository root; its standard output.
fn run(program: &str, args: &[&str], env: Option<&[(&str, String)]>, stdin: &str) -> String {
    let mut command = Command::new(program);
    command.args(args).current_dir(root());
    if let Some(env) = env {
        command.env_clear();
        command.envs(env.iter().map(|(k, v)| (*k, v)));
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e} (install the test tools with `make tools`)"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Every YAML document in `text`, as JSON (PyYAML from the tools venv).
fn yaml_documents(text: &str) -> Vec<Value> {
    let python = root().join(".tools/deploy/bin/python");
    let script = "import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)";
    let json = run(python.to_str().expect("path"), &["-c", script], None, text);
    serde_json::from_str(&json).expect("YAML as JSON")
}

/// What `<service> config check` answered.
#[derive(Debug)]
struct Check {
    ok: bool,
    error: String,
    host: String,
    port: u64,
    read: BTreeSet<String>,
}

fn config_check(service: &str, env: &BTreeMap<String, String>) -> Check {
    let binary = bin_dir().join(service);
    let out = Command::new(&binary)
        .args(["config", "check"])
        .env_clear()
        .envs(env)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (build the binaries first: cargo build --workspace --bins)",
                binary.display()
            )
        });
    let line = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(line.trim())
        .unwrap_or_else(|e| panic!("{service} config check printed {line:?}: {e}"));
    Check {
        ok: report["ok"] == true && out.status.success(),
        error: report["error"].as_str().unwrap_or_default().to_owned(),
        host: report["host"].as_str().unwrap_or_default().to_owned(),
        port: report["port"].as_u64().unwrap_or_default(),
        read: report["read"]
            .as_array()
            .expect("read names")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    }
}

/// Reachable from outside the container: every interface, never loopback.
fn listens_on_every_interface(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified())
}

fn read_outside_env() -> BTreeSet<String> {
    READ_OUTSIDE_ENV
        .iter()
        .map(|(name, file, marker)| {
            assert!(
                read(file).contains(marker),
                "{name} is waived as read in {file}, which no longer contains {marker}: \
                 update READ_OUTSIDE_ENV"
            );
            (*name).to_owned()
        })
        .collect()
}

/// Names `.env.example` sets (not the commented-out ones).
fn env_example_names() -> BTreeSet<String> {
    read(".env.example")
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim().to_owned()))
        .filter(|name| !name.is_empty())
        .collect()
}

/// `.env.example` with some values set (replaced in place, or appended).
fn env_file_with(values: &[(&str, &str)]) -> String {
    let mut done = BTreeSet::new();
    let mut out = String::new();
    for line in read(".env.example").lines() {
        let name = line.split_once('=').map(|(n, _)| n.trim());
        match name.and_then(|n| values.iter().find(|(k, _)| *k == n)) {
            Some((k, v)) if !line.starts_with('#') => {
                out.push_str(&format!("{k}={v}\n"));
                done.insert(*k);
            }
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    for (k, v) in values.iter().filter(|(k, _)| !done.contains(k)) {
        out.push_str(&format!("{k}={v}\n"));
    }
    out
}

/// `docker-compose config` of docker-compose.yml with `env_file` as its env
/// file and nothing from this process's environment (which compose would
/// otherwise prefer).
fn compose_config(env_file: &str) -> Value {
    let dir = db::testing::temp_dir("compose-drift");
    let file = dir.join("env");
    std::fs::write(&file, env_file).expect("env file");
    let env = [("PATH", std::env::var("PATH").unwrap_or_default())];
    let args = [
        "--env-file",
        file.to_str().expect("path"),
        "-f",
        "docker-compose.yml",
        "config",
    ];
    let rendered = run("docker-compose", &args, Some(&env), "");
    let _ = std::fs::remove_dir_all(&dir);
    yaml_documents(&rendered)
        .into_iter()
        .next()
        .expect("one document")
}

fn environment(service: &Value) -> BTreeMap<String, String> {
    let map = service["environment"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    map.into_iter()
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => s,
                Value::Null => panic!("{k} has no value: compose would pass the host's"),
                other => other.to_string(),
            };
            (k, value)
        })
        .collect()
}

/// The container side of a compose port: `{target: 8080, …}`, or the short
/// form compose keeps for a host address (`127.0.0.1:8083:8083/tcp`).
fn container_port(port: &Value) -> Option<u64> {
    match port {
        Value::Object(_) => port["target"].as_u64(),
        Value::String(short) => short
            .split('/')
            .next()
            .and_then(|p| p.rsplit(':').next())
            .and_then(|p| p.parse().ok()),
        _ => None,
    }
}

/// The port a Dockerfile stage exposes and probes in its HEALTHCHECK.
fn dockerfile_ports(stage: &str) -> (Option<u64>, Option<u64>) {
    let dockerfile = read("deploy/Dockerfile");
    let body: String = dockerfile
        .split("\nFROM ")
        .find(|s| s.starts_with(&format!("runtime AS {stage}\n")))
        .unwrap_or_default()
        .to_owned();
    let expose = body
        .lines()
        .find_map(|l| l.strip_prefix("EXPOSE "))
        .and_then(|p| p.trim().parse().ok());
    let health = body
        .lines()
        .find(|l| l.starts_with("HEALTHCHECK"))
        .and_then(|l| l.split("127.0.0.1:").nth(1))
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok());
    (expose, health)
}

/// kubectl from PATH, else the one `make tools` installs where the machine has none.
fn kubectl() -> String {
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join("kubectl").is_file()))
        .unwrap_or(false);
    if on_path {
        "kubectl".to_owned()
    } else {
        root()
            .join(".tools/deploy/bin/kubectl")
            .display()
            .to_string()
    }
}

fn sorted(names: impl IntoIterator<Item = String>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

#[test]
fn compose_gives_each_service_exactly_what_it_reads() {
    let keys = platform::auth::generate_keys().expect("keys");
    let token = platform::auth::generate_service_token();
    let secrets = [
        ("JWT_SIGNING_KEY", keys.signing_key.as_str()),
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("SERVICE_TOKEN", token.as_str()),
    ];
    assert_eq!(secrets.map(|(k, _)| k), OPERATOR_SECRETS);
    // Settings that switch on more variables: each mode is loaded too, so a
    // variable that only that mode reads is neither unknown nor unchecked.
    let sens = [
        ("SMS_PROVIDER", "sens"),
        ("SENS_SERVICE_ID", "ncp:sms:kr:000000000000:marketbill"),
        ("SENS_ACCESS_KEY_ID", "access-key-id"),
        ("SENS_SECRET_KEY", "secret-key"),
        ("SENS_SENDER", "0212345678"),
    ];
    let variants: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (".env.example", secrets.to_vec()),
        (
            ".env.example with SMS_PROVIDER=sens",
            secrets.iter().chain(sens.iter()).copied().collect(),
        ),
    ];

    let outside = read_outside_env();
    let documented = env_example_names();
    let mut failures = Vec::new();
    let mut read: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut provided: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for (variant, values) in &variants {
        let config = compose_config(&env_file_with(values));
        let services = &config["services"];
        let migrate_db = environment(&services["migrate"])
            .get("DATABASE_URL")
            .cloned();
        for service in SERVICES {
            let spec = &services[service];
            assert!(
                spec.is_object(),
                "docker-compose.yml has no service {service}"
            );
            let env = environment(spec);
            let check = config_check(service, &env);
            if !check.ok {
                failures.push(format!(
                    "{service} ({variant}) does not start: {}",
                    check.error
                ));
                continue;
            }
            if !listens_on_every_interface(&check.host) {
                failures.push(format!(
                    "{service} ({variant}) listens on {}: unreachable from outside its container",
                    check.host
                ));
            }
            let targets: Vec<u64> = spec["ports"]
                .as_array()
                .map(|ports| ports.iter().filter_map(container_port).collect())
                .unwrap_or_default();
            if targets != [check.port] {
                failures.push(format!(
                    "{service} listens on port {} but compose publishes {targets:?}",
                    check.port
                ));
            }
            let (expose, health) = dockerfile_ports(service);
            if expose != Some(check.port) || health != Some(check.port) {
                failures.push(format!(
                    "{service} listens on port {} but its image exposes {expose:?} and checks health on {health:?}",
                    check.port
                ));
            }
            if migrate_db.as_ref() != env.get("DATABASE_URL") {
                failures.push(format!("{service} and migrate use different databases"));
            }
            read.entry(service).or_default().extend(check.read);
            provided.insert(service, env);
        }
    }
    for service in SERVICES {
        let (Some(read), Some(provided)) = (read.get(service), provided.get(service)) else {
            continue;
        };
        let unknown: Vec<String> = provided
            .keys()
            .filter(|name| !read.contains(*name) && !outside.contains(*name))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            failures.push(format!(
                "compose gives {service} variables it never reads: {}",
                sorted(unknown)
            ));
        }
        let missing: Vec<String> = read
            .iter()
            .chain(outside.iter())
            .filter(|name| documented.contains(*name) && !provided.contains_key(*name))
            .cloned()
            .collect();
        if !missing.is_empty() {
            failures.push(format!(
                "{service} reads variables .env.example documents but compose does not pass \
                 (a setting in .env would be ignored): {}",
                sorted(missing)
            ));
        }
    }
    let scheduler = provided.get("scheduler").cloned().unwrap_or_default();
    if scheduler.get("SCHEDULER_CRON").is_none_or(String::is_empty) {
        failures.push("the stack has no daily auction sync: SCHEDULER_CRON is off".to_owned());
    }
    assert!(
        failures.is_empty(),
        "docker-compose.yml drifted:\n- {}",
        failures.join("\n- ")
    );
}

/// One container's environment: literal values, and for a secretKeyRef a
/// stand-in value (what matters is that the name is read) plus the reference.
struct ContainerEnv {
    values: BTreeMap<String, String>,
    secrets: BTreeMap<String, (String, String)>,
}

fn container_env(container: &Value, failures: &mut Vec<String>, what: &str) -> ContainerEnv {
    let mut values = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    if container.get("envFrom").is_some() {
        failures.push(format!(
            "{what} uses envFrom: name every variable (the drift check reads env)"
        ));
    }
    for entry in container["env"].as_array().cloned().unwrap_or_default() {
        let name = entry["name"].as_str().expect("env name").to_owned();
        if let Some(value) = entry.get("value") {
            values.insert(name, value.as_str().unwrap_or_default().to_owned());
        } else if let Some(secret) = entry.pointer("/valueFrom/secretKeyRef") {
            let reference = (
                secret["name"].as_str().unwrap_or_default().to_owned(),
                secret["key"].as_str().unwrap_or_default().to_owned(),
            );
            values.insert(
                name.clone(),
                format!("from-secret-{}-{}", reference.0, reference.1),
            );
            secrets.insert(name, reference);
        } else {
            failures.push(format!(
                "{what}: {name} is neither a value nor a secretKeyRef"
            ));
        }
    }
    ContainerEnv { values, secrets }
}

fn objects<'a>(docs: &'a [Value], kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    docs.iter().filter(move |d| d["kind"] == kind)
}

fn named<'a>(docs: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
}

fn container<'a>(pod_spec: &'a Value, list: &str, name: &str) -> Option<&'a Value> {
    pod_spec[list]
        .as_array()?
        .iter()
        .find(|c| c["name"] == name)
}

#[test]
fn kubernetes_overlays_give_each_service_exactly_what_it_reads() {
    let outside = read_outside_env();
    let secrets_doc = read("deploy/k8s/README.md");
    let mut failures = Vec::new();
    for overlay in ["dev", "prod"] {
        let path = format!("deploy/k8s/overlays/{overlay}");
        let docs = yaml_documents(&run(&kubectl(), &["kustomize", &path], None, ""));
        if objects(&docs, "Secret").next().is_some() {
            failures.push(format!(
                "{overlay} writes a Secret: reference secrets, never write them"
            ));
        }
        let mut database_refs = BTreeSet::new();
        let mut scheduler_token = None;
        for service in SERVICES {
            let what = format!("{overlay}/{service}");
            let Some(deployment) = named(&docs, "Deployment", service) else {
                failures.push(format!("{what}: no Deployment"));
                continue;
            };
            let pod = &deployment["spec"]["template"]["spec"];
            let Some(main) = container(pod, "containers", service) else {
                failures.push(format!("{what}: no container named {service}"));
                continue;
            };
            let env = container_env(main, &mut failures, &what);
            for (name, (secret, key)) in &env.secrets {
                if !secrets_doc.contains(&format!("| `{secret}` | `{key}` |")) {
                    failures.push(format!(
                        "{what}: {name} comes from secret {secret} key {key}, which \
                         deploy/k8s/README.md does not list"
                    ));
                }
            }
            let check = config_check(service, &env.values);
            if !check.ok {
                failures.push(format!("{what} does not start: {}", check.error));
                continue;
            }
            if !listens_on_every_interface(&check.host) {
                failures.push(format!("{what} listens on {}: unreachable", check.host));
            }
            let http_port = main["ports"]
                .as_array()
                .and_then(|ports| ports.iter().find(|p| p["name"] == "http"))
                .and_then(|p| p["containerPort"].as_u64());
            if http_port != Some(check.port) {
                failures.push(format!(
                    "{what} listens on {} but declares containerPort {http_port:?}",
                    check.port
                ));
            }
            for (probe, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")] {
                let get = &main[probe]["httpGet"];
                if get["path"] != path || get["port"] != "http" {
                    failures.push(format!("{what}: {probe} is not GET {path} on port http"));
                }
            }
            let unknown: Vec<String> = env
                .values
                .keys()
                .filter(|name| !check.read.contains(*name) && !outside.contains(*name))
                .cloned()
                .collect();
            if !unknown.is_empty() {
                failures.push(format!(
                    "{what} is given variables it never reads: {}",
                    sorted(unknown)
                ));
            }
            if service == "scheduler" {
                if env.values.contains_key("SCHEDULER_CRON") {
                    failures.push(format!(
                        "{what} sets SCHEDULER_CRON: the CronJob already triggers the daily run"
                    ));
                }
                scheduler_token = env.secrets.get("SCHEDULER_TRIGGER_TOKEN").cloned();
            }
            database_refs.insert(env.secrets.get("DATABASE_URL").cloned());
            // Pods start once the migration Job is done: `migrate --wait`, same database.
            match container(pod, "initContainers", "wait-for-migrations") {
                Some(init) => {
                    let init_env = container_env(init, &mut failures, &what);
                    let image = init["image"].as_str().unwrap_or_default();
                    if !image.contains("/migrate") || init["args"][0] != "--wait" {
                        failures.push(format!(
                            "{what}: wait-for-migrations does not run `migrate --wait`"
                        ));
                    }
                    database_refs.insert(init_env.secrets.get("DATABASE_URL").cloned());
                }
                None => failures.push(format!("{what}: no wait-for-migrations init container")),
            }
        }
        match named(&docs, "Job", "migrate") {
            Some(job) => {
                let pod = &job["spec"]["template"]["spec"];
                let env = container(pod, "containers", "migrate")
                    .map(|c| container_env(c, &mut failures, "migrate Job"));
                database_refs.insert(env.and_then(|e| e.secrets.get("DATABASE_URL").cloned()));
            }
            None => failures.push(format!("{overlay}: no migrate Job")),
        }
        if database_refs.len() != 1 || database_refs.contains(&None) {
            failures.push(format!(
                "{overlay}: services, init containers and the migrate Job must share one \
                 DATABASE_URL secret, found {database_refs:?}"
            ));
        }
        // The daily sync: a KST CronJob posting the scheduler's trigger with its token.
        match named(&docs, "CronJob", "auction-sync") {
            Some(cron) => {
                if cron["spec"]["timeZone"] != "Asia/Seoul" {
                    failures.push(format!("{overlay}: auction-sync is not on Korea time"));
                }
                let pod = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"];
                let trigger = pod["containers"][0].clone();
                let env = container_env(&trigger, &mut failures, "auction-sync");
                if env.secrets.get("SCHEDULER_TRIGGER_TOKEN") != scheduler_token.as_ref()
                    || scheduler_token.is_none()
                {
                    failures.push(format!(
                        "{overlay}: auction-sync presents another token than the scheduler checks"
                    ));
                }
                let script = trigger["command"].to_string();
                let port = named(&docs, "Service", "scheduler")
                    .and_then(|s| s["spec"]["ports"][0]["port"].as_u64());
                if env.values.get("SCHEDULER_URL").map(String::as_str)
                    != port.map(|p| format!("http://scheduler:{p}")).as_deref()
                    || !script.contains("/v1/jobs/auction-sync")
                    || !script.contains("Authorization: Bearer")
                {
                    failures.push(format!(
                        "{overlay}: auction-sync does not POST the scheduler's /v1/jobs/auction-sync"
                    ));
                }
            }
            None => failures.push(format!("{overlay}: no auction-sync CronJob")),
        }
        // The ingress exposes core, receipt and messaging, never the scheduler.
        let backends: BTreeSet<String> = objects(&docs, "Ingress")
            .flat_map(|ingress| {
                ingress["spec"]["rules"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .flat_map(|rule| {
                rule["http"]["paths"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|path| {
                path["backend"]["service"]["name"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        let exposed: BTreeSet<String> = ["core", "messaging", "receipt"].map(str::to_owned).into();
        if backends != exposed {
            failures.push(format!(
                "{overlay}: the ingress routes to {backends:?}, not {exposed:?}"
            ));
        }
        // Replicas: one each in dev; several of core, receipt, messaging in prod.
        for service in SERVICES {
            let replicas = named(&docs, "Deployment", service)
                .and_then(|d| d["spec"]["replicas"].as_u64())
                .unwrap_or(1);
            let wanted_many = overlay == "prod" && service != "scheduler";
            if (wanted_many && replicas < 2) || (!wanted_many && replicas != 1) {
                failures.push(format!("{overlay}: {service} has {replicas} replicas"));
            }
        }
        let autoscaler = named(&docs, "HorizontalPodAutoscaler", "core");
        match (overlay, autoscaler) {
            ("dev", Some(_)) => failures.push("dev autoscales core: one replica each".to_owned()),
            ("prod", None) => failures.push("prod does not autoscale core".to_owned()),
            ("prod", Some(hpa))
                if hpa["spec"]["scaleTargetRef"]["name"] != "core"
                    || hpa["spec"]["minReplicas"].as_u64() < Some(2) =>
            {
                failures.push("prod's autoscaler does not keep several cores".to_owned());
            }
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "deploy/k8s drifted:\n- {}",
        failures.join("\n- ")
    );
}

/// The Kubernetes ordering: a pod's `migrate --wait` init container holds it
/// back while migrations are pending and lets it start once the migration
/// Job has applied them; it applies nothing itself.
#[tokio::test]
async fn migrate_wait_holds_pods_until_the_job_has_migrated() {
    let db = db::testing::TestDb::empty().await;
    let migrate = bin_dir().join("migrate");
    let mut waiter = tokio::process::Command::new(&migrate)
        .args(["--wait", "60"])
        .env("DATABASE_URL", db.url())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("migrate --wait");
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert!(
        waiter.try_wait().expect("waiter").is_none(),
        "migrate --wait returned while every migration was pending"
    );
    let pending = db::migrations::pending(db.url()).await.expect("pending");
    assert_eq!(
        pending.len(),
        db::migrations::embedded_count(),
        "migrate --wait applied migrations"
    );

    // The Job.
    let job = tokio::process::Command::new(&migrate)
        .env("DATABASE_URL", db.url())
        .stdout(Stdio::null())
        .status()
        .await
        .expect("migrate");
    assert!(job.success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), waiter.wait())
        .await
        .expect("migrate --wait returns once the schema is current")
        .expect("exit status");
    assert!(status.success(), "{status}");

    // Time runs out while the schema stays behind: the pod does not start.
    let behind = db::testing::TestDb::empty().await;
    let status = tokio::process::Command::new(&migrate)
        .args(["--wait", "1"])
        .env("DATABASE_URL", behind.url())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .expect("migrate --wait 1");
    assert!(!status.success());
}
