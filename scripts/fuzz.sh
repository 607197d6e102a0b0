#!/usr/bin/env bash
# `make fuzz`: schemathesis generates GraphQL operations from core's schema and
# sends them as an anonymous caller, a signed-in retailer and a wholesaler.
# Fails on any 5xx, any INTERNAL error code, or an answer slower than 2 s.
#   FUZZ_EXAMPLES   cases per operation and caller (default 30: about 5,000 operations)
# Runs its own core (debug build) on a fresh database `marketbill_fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

EXAMPLES="${FUZZ_EXAMPLES:-30}"
SERVER="${TEST_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB="marketbill_fuzz"
PORT="${FUZZ_PORT:-18180}"
ST=.tools/fuzz/bin/schemathesis
require_postgres "$SERVER"
[ -x "$ST" ] || scripts/tools.sh
cargo build --quiet --bin core --bin migrate --bin scheduler
BIN="${CARGO_TARGET_DIR:-target}/debug"

psql "$SERVER/postgres" -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
export DATABASE_URL="$SERVER/$DB"
work=$(mktemp -d)
touch "$work/count"
"$BIN/core" keys generate >"$work/keys.env"
set -a; source "$work/keys.env"; set +a
"$BIN/migrate" >/dev/null
"$BIN/scheduler" load-sample >/dev/null

CORE_PORT=$PORT HOST=127.0.0.1 RECEIPT_URL=http://127.0.0.1:9 MESSAGING_URL=http://127.0.0.1:9 \
  ORDER_BATCH_AT=off RUST_LOG=warn "$BIN/core" >"$work/core.log" 2>&1 &
core=$!
trap 'kill $core 2>/dev/null || true; wait $core 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/graphql"

token() { # name phone role -> access token
  curl -fsS "$URL" -H 'content-type: application/json' -d "{\"query\":\"mutation { signUp(input: { name: \\\"$1\\\", phoneNo: \\\"$2\\\", password: \\\"fuzz123@@\\\", role: $3 }) { accessToken } }\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["signUp"]["accessToken"])'
}
retailer=$(token 퍼즈꽃집 010-9000-0001 RETAILER)
wholesaler=$(token 퍼즈도매 010-9000-0002 WHOLESALER_EMPR)

export FUZZ_COUNT_FILE="$work/count" SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$PWD/scripts/fuzz"
failed=0
for caller in anonymous retailer wholesaler; do
  auth=()
  [ "$caller" = retailer ] && auth=(-H "Authorization: Bearer $retailer")
  [ "$caller" = wholesaler ] && auth=(-H "Authorization: Bearer $wholesaler")
  before=$(wc -l <"$work/count")
  if ! "$ST" run "$URL" "${auth[@]}" --max-examples "$EXAMPLES" --seed 20261205 \
      --checks no_internal_error --max-response-time 2 \
      --phases examples,coverage,fuzzing --workers 2 --no-color --generation-database :memory: \
      --suppress-health-check all >"$work/$caller.log" 2>&1; then
    failed=1
    echo "fuzz: findings as $caller:"; grep -vE '^\s*$' "$work/$caller.log" | tail -40
  fi
  after=$(wc -l <"$work/count")
  echo "fuzz: $caller: $((after - before)) operations"
done
echo "fuzz: $(wc -l <"$work/count") operations in all; $([ $failed = 0 ] && echo "no findings" || echo "FINDINGS above")"
if grep -q "panicked" "$work/core.log"; then echo "fuzz: core panicked:"; grep -A3 panicked "$work/core.log"; failed=1; fi
exit $failed
