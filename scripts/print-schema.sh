#!/usr/bin/env bash
# Prints the diesel schema of the migrations: applies them to a scratch
# database, runs `diesel print-schema`, and drops the database again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
server="${TEST_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
require_postgres "$server"
name="mb_print_schema_$$"
# An empty config: diesel.toml would make `migration run` rewrite schema.rs itself.
config=$(mktemp --suffix .toml)
trap 'rm -f "$config"; psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null' EXIT
psql "$server/postgres" -qc "CREATE DATABASE $name" >/dev/null
.tools/bin/diesel migration run --config-file "$config" --database-url "$server/$name" --migration-dir migrations >/dev/null
.tools/bin/diesel print-schema --config-file "$config" --database-url "$server/$name"
