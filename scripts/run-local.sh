#!/usr/bin/env bash
# `make run`: migrate and start all four services on this machine with
# zero-config defaults (local-directory receipts, recording SMS provider).
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# Optional overrides: .env (not committed), then the generated local secrets.
set -a
[ -f .env ] && source .env
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/marketbill}"
set +a
server="${DATABASE_URL%/*}"
require_postgres "$server"

PROFILE="${PROFILE:-debug}"
cargo_flags=()
[ "$PROFILE" = release ] && cargo_flags+=(--release)
echo "run: building ($PROFILE)"
cargo build --quiet --workspace --bins "${cargo_flags[@]}"
# Where cargo put the binaries (CARGO_TARGET_DIR moves them).
BIN="${CARGO_TARGET_DIR:-target}/$PROFILE"

mkdir -p var
# Secrets: readable by this user only, and written whole or not at all (a key
# generation that fails must not leave an empty file that every later run reads).
if [ ! -s var/local.env ]; then
  echo "run: generating local signing keys and service token in var/local.env"
  (umask 077 && "$BIN/core" keys generate > var/local.env.tmp)
  mv var/local.env.tmp var/local.env
fi
chmod 600 var/local.env

# A frontend on any local port may call core, receipt and messaging (set
# CORS_ALLOWED_ORIGINS in .env to narrow it; production lists its origins).
export CORS_ALLOWED_ORIGINS="${CORS_ALLOWED_ORIGINS:-*}"
set -a
source var/local.env
set +a

"$BIN/migrate"

# No auction API key and an empty catalogue: load the bundled SAMPLE auction day
# (invented data, see services/scheduler/sample/) so there is something to browse.
if [ -z "${AUCTION_API_KEY:-}" ] &&
   [ "$(psql "$DATABASE_URL" -qAtc 'SELECT count(*) FROM flowers WHERE deleted_at IS NULL')" = 0 ]; then
  echo "run: no AUCTION_API_KEY and no flowers yet: loading the bundled SAMPLE auction day"
  "$BIN/scheduler" load-sample >/dev/null || echo "run: loading the sample day failed; continuing" >&2
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "run: stopping"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

for svc in core receipt messaging scheduler; do
  # Process substitution keeps $! the service's own pid, so `stop` reaches it.
  "$BIN/$svc" > >(sed -u "s/^/[$svc] /") 2>&1 &
  pids+=($!)
done

deadline=$((SECONDS + 30))
for port in "${CORE_PORT:-8080}" "${RECEIPT_PORT:-8081}" "${MESSAGING_PORT:-8082}" "${SCHEDULER_PORT:-8083}"; do
  until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "run: port $port not ready after 30 s" >&2; exit 1; fi
    sleep 0.3
  done
done
cat <<MSG
run: all four services are ready
  core       http://127.0.0.1:${CORE_PORT:-8080}   (GraphQL: /graphql, GraphiQL: /graphiql)
  receipt    http://127.0.0.1:${RECEIPT_PORT:-8081}
  messaging  http://127.0.0.1:${MESSAGING_PORT:-8082}
  scheduler  http://127.0.0.1:${SCHEDULER_PORT:-8083}
Press Ctrl-C to stop.
MSG
wait
