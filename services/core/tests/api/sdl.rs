//! `schema.graphql` is the printed SDL of the running schema, kept current:
//! the contract check (`make check-contract`) diffs it against the original.

#[test]
fn committed_sdl_matches_the_schema() {
    let printed = core_service::graphql::sdl();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    if std::env::var_os("UPDATE_SDL").is_some() {
        std::fs::write(&path, &printed).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == printed,
        "services/core/schema.graphql is stale: run `UPDATE_SDL=1 cargo test -p core-service --test api sdl` and commit it"
    );
}
