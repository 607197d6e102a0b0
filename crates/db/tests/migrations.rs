//! The migrations are the single source of the schema: they apply on an empty
//! database, revert completely, and apply again; and the committed diesel
//! `schema.rs` is exactly what they produce.

use db::testing::TestDb;
use std::path::{Path, PathBuf};
use std::process::Command;

const USER_TABLES: &str = "SELECT count(*) AS n FROM information_schema.tables \
     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'";
const USER_FUNCTIONS: &str = "SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace \
     WHERE ns.nspname = 'public'";

#[tokio::test]
async fn every_migration_runs_up_down_and_up_again() {
    let db = TestDb::empty().await;
    let applied = db::migrations::run_pending(db.url())
        .await
        .expect("first up");
    assert_eq!(applied.len(), db::migrations::embedded_count());
    assert!(
        db.count(USER_TABLES).await >= 23,
        "every table of the platform exists"
    );
    assert!(
        db::migrations::pending(db.url())
            .await
            .expect("pending")
            .is_empty()
    );

    let reverted = db::migrations::revert_all(db.url()).await.expect("down");
    assert_eq!(reverted.len(), applied.len());
    assert_eq!(
        db.count(USER_TABLES).await,
        0,
        "down.sql leaves no table behind"
    );
    assert_eq!(
        db.count(USER_FUNCTIONS).await,
        0,
        "down.sql leaves no function behind"
    );

    let again = db::migrations::run_pending(db.url())
        .await
        .expect("second up");
    assert_eq!(again, applied);
}

#[tokio::test]
async fn services_refuse_a_database_with_pending_migrations() {
    let db = TestDb::empty().await;
    let err = db::migrations::ensure_current(db.url())
        .await
        .expect_err("nothing applied yet");
    assert!(
        err.to_string().contains("run the `migrate` binary"),
        "{err}"
    );
    db::migrations::run_pending(db.url()).await.expect("up");
    db::migrations::ensure_current(db.url())
        .await
        .expect("current after migrate");
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn diesel_cli() -> PathBuf {
    std::env::var_os("DIESEL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/bin/diesel"))
}

#[tokio::test]
async fn schema_rs_matches_the_migrations() {
    let db = TestDb::new().await;
    let diesel = diesel_cli();
    assert!(
        diesel.exists(),
        "{} is missing: run `make tools`",
        diesel.display()
    );
    // An empty config file: print the schema as diesel sees it, no project overrides.
    let config = std::env::temp_dir().join(format!("{}.toml", db.name()));
    std::fs::write(&config, "").expect("config file");
    let output = Command::new(&diesel)
        .args(["print-schema", "--database-url", db.url(), "--config-file"])
        .arg(&config)
        .output()
        .expect("run diesel print-schema");
    let _ = std::fs::remove_file(&config);
    assert!(
        output.status.success(),
        "diesel print-schema failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).expect("utf-8 schema");
    let committed = std::fs::read_to_string(workspace_root().join("crates/db/src/schema.rs"))
        .expect("schema.rs");
    assert!(
        printed == committed,
        "crates/db/src/schema.rs is out of date with migrations/: run `make schema` and commit the result"
    );
}
