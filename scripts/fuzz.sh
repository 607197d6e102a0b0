#!/usr/bin/env bash
# `make fuzz`: schemathesis against the running services.
#  - GraphQL: operations generated from core's schema, sent as an anonymous
#    caller, a signed-in retailer and a wholesaler. Fails on any 5xx, any
#    INTERNAL error code, or an answer slower than 2 s.
#  - REST: receipt, messaging and scheduler, each against its own OpenAPI
#    document (GET /openapi.json) with a credential that reaches the handlers
#    (the service token, the scheduler's trigger token, a wholesaler's token
#    for uploads) and ids of rows that exist. Fails on any 5xx, any INTERNAL
#    code, an answer the document does not describe (status, content type,
#    headers, body schema), or one slower than 5 s (debug builds draw PDFs).
#   FUZZ_EXAMPLES   cases per operation and caller (default 30: about 5,000
#                   GraphQL and 2,000 REST operations)
#   FUZZ_PARTS      graphql,rest (default both)
# Runs its own services (debug builds) on a fresh database `marketbill_fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

EXAMPLES="${FUZZ_EXAMPLES:-30}"
PARTS="${FUZZ_PARTS:-graphql,rest}"
SERVER="${TEST_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB="marketbill_fuzz"
PORT="${FUZZ_PORT:-18180}"
ST=.tools/fuzz/bin/schemathesis
SEED=20261205
# One worker thread per run: with two, hypothesis's `ast.parse` in threads
# sometimes crashed the fuzzer itself on this Python 3.11 (CPython gh-106905,
# "AST constructor recursion depth mismatch"), a failure that was no finding.
WORKERS=1
require_postgres "$SERVER"
[ -x "$ST" ] || scripts/tools.sh
cargo build --quiet --bin core --bin migrate --bin scheduler --bin receipt --bin messaging
BIN="${CARGO_TARGET_DIR:-target}/debug"

psql "$SERVER/postgres" -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
export DATABASE_URL="$SERVER/$DB"
work=$(mktemp -d)
touch "$work/count"
"$BIN/core" keys generate >"$work/keys.env"
set -a; source "$work/keys.env"; set +a
"$BIN/migrate" >/dev/null
"$BIN/scheduler" load-sample >/dev/null

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
ready() { # port
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "fuzz: nothing ready on port $1" >&2; return 1
}
export HOST=127.0.0.1 RUST_LOG=warn
CORE_PORT=$PORT RECEIPT_URL=http://127.0.0.1:9 MESSAGING_URL=http://127.0.0.1:9 \
  ORDER_BATCH_AT=off "$BIN/core" >"$work/core.log" 2>&1 &
pids+=($!)
ready "$PORT"
URL="http://127.0.0.1:$PORT/graphql"

token() { # name phone role -> access token
  curl -fsS "$URL" -H 'content-type: application/json' -d "{\"query\":\"mutation { signUp(input: { name: \\\"$1\\\", phoneNo: \\\"$2\\\", password: \\\"fuzz123@@\\\", role: $3 }) { accessToken } }\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["signUp"]["accessToken"])'
}
retailer=$(token 퍼즈꽃집 010-9000-0001 RETAILER)
wholesaler=$(token 퍼즈도매 010-9000-0002 WHOLESALER_EMPR)
# The REST part's own accounts, made before GraphQL fuzzing can touch the others.
token 레스트꽃집 010-9000-0003 RETAILER >/dev/null
rest_wholesaler=$(token 레스트도매 010-9000-0004 WHOLESALER_EMPR)

export FUZZ_COUNT_FILE="$work/count" SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$PWD/scripts/fuzz"
failed=0
graphql_ops=0
if [[ ",$PARTS," == *,graphql,* ]]; then
  for caller in anonymous retailer wholesaler; do
    auth=()
    [ "$caller" = retailer ] && auth=(-H "Authorization: Bearer $retailer")
    [ "$caller" = wholesaler ] && auth=(-H "Authorization: Bearer $wholesaler")
    before=$(wc -l <"$work/count")
    if ! "$ST" run "$URL" "${auth[@]}" --max-examples "$EXAMPLES" --seed "$SEED" \
        --checks no_internal_error --max-response-time 2 \
        --phases examples,coverage,fuzzing --workers "$WORKERS" --no-color --generation-database :memory: \
        --suppress-health-check all >"$work/$caller.log" 2>&1; then
      failed=1
      echo "fuzz: findings as $caller:"; grep -vE '^\s*$' "$work/$caller.log" | tail -40
    fi
    after=$(wc -l <"$work/count")
    echo "fuzz: graphql as $caller: $((after - before)) operations"
  done
  graphql_ops=$(wc -l <"$work/count")
fi

rest_ops=0
if [[ ",$PARTS," == *,rest,* ]]; then
  started=$SECONDS
  RECEIPT_PORT=$((PORT + 1)) RECEIPT_LOCAL_DIR="$work/receipts" MESSAGING_URL=http://127.0.0.1:9 \
    RECEIPT_NOTIFY_TIMEOUT_MS=200 RECEIPT_STAMP_TIMEOUT_MS=500 "$BIN/receipt" >"$work/receipt.log" 2>&1 &
  pids+=($!)
  MESSAGING_PORT=$((PORT + 2)) "$BIN/messaging" >"$work/messaging.log" 2>&1 &
  pids+=($!)
  # The aT feed, played by the sample day served as a static file.
  python3 -m http.server --bind 127.0.0.1 --directory services/scheduler/sample $((PORT + 4)) \
    >"$work/at.log" 2>&1 &
  pids+=($!)
  trigger="fuzz-trigger-$RANDOM$RANDOM"
  SCHEDULER_PORT=$((PORT + 3)) SCHEDULER_TRIGGER_TOKEN="$trigger" AUCTION_API_KEY=FUZZKEY \
    AUCTION_API_URL="http://127.0.0.1:$((PORT + 4))/at-f001-cut-flowers.sample.json" \
    AUCTION_API_RETRIES=0 AUCTION_API_TIMEOUT_MS=1000 "$BIN/scheduler" >"$work/scheduler.log" 2>&1 &
  pids+=($!)
  for port in $((PORT + 1)) $((PORT + 2)) $((PORT + 3)); do ready "$port"; done

  # Rows the fuzzer can name: a priced order sheet, a statement issued from
  # it, a file of the original render contract, a logged SMS.
  user_id() { psql "$DATABASE_URL" -qAtc "SELECT user_id FROM user_credentials WHERE phone_no = '$1'"; }
  rw=$(user_id 01090000004)
  sheet=$(psql "$DATABASE_URL" -qAt -v retailer="$(user_id 01090000003)" -v wholesaler="$rw" \
    -f scripts/fuzz/rest-seed.sql)
  api() { # port method path token [json] -> body
    curl -fsS -X "$2" "http://127.0.0.1:$1$3" -H "Authorization: Bearer $4" \
      -H 'content-type: application/json' ${5:+-d "$5"}
  }
  field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
  receipt=$(api $((PORT + 1)) POST "/v1/order-sheets/$sheet/receipts" "$SERVICE_TOKEN" '{}' | field '["id"]')
  render=$(api $((PORT + 1)) POST /v1/receipts/render "$SERVICE_TOKEN" \
    '{"orderNo":"FUZZ","retailer":{"name":"꽃집"},"wholesaler":{"businessNo":"1","companyName":"도매","employerName":"김","sealStampImgUrl":"","address":"서울","companyPhoneNo":"02","businessMainCategory":"도소매","businessSubCategory":"화훼","bankAccount":"농협"},"orderItems":[{"flower":{"name":"장미","flowerType":{"name":"장미"}},"quantity":1,"grade":"상","price":1000}]}' |
    field '["file_path"].rsplit("/", 1)[1]')
  sms=$(api $((PORT + 2)) POST /v1/sms "$SERVICE_TOKEN" \
    '{"to":"010-9000-0005","template":"Default","args":["fuzz"]}' | field '["id"]')

  rest() { # label port token known-params [schemathesis filters...]
    local label=$1 port=$2 token=$3 known=$4
    shift 4
    local before after
    before=$(wc -l <"$work/count")
    if ! FUZZ_KNOWN_PARAMS="$known" "$ST" run "http://127.0.0.1:$port/openapi.json" "$@" \
        -H "Authorization: Bearer $token" --max-examples "$EXAMPLES" --seed "$SEED" \
        --checks no_internal_error,not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
        --max-response-time 5 --phases examples,coverage,fuzzing --workers "$WORKERS" --no-color --generation-database :memory: \
        --suppress-health-check all >"$work/$label.log" 2>&1; then
      failed=1
      echo "fuzz: findings in $label:"; grep -vE '^\s*$' "$work/$label.log" | tail -60
    fi
    after=$(wc -l <"$work/count")
    echo "fuzz: rest $label: $((after - before)) operations ($(sed -n "$((before + 1)),${after}p" "$work/count" |
      sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=" "}'))"
  }
  rest receipt $((PORT + 1)) "$SERVICE_TOKEN" \
    "{\"order_sheet_id\":[$sheet],\"id\":[$receipt],\"name\":[\"$render\"],\"user_id\":[$rw]}"
  # The frontend's way in: the sheet's wholesaler with its own token.
  rest receipt-as-wholesaler $((PORT + 1)) "$rest_wholesaler" \
    "{\"order_sheet_id\":[$sheet],\"id\":[$receipt],\"name\":[\"$render\"],\"user_id\":[$rw]}"
  rest messaging $((PORT + 2)) "$SERVICE_TOKEN" "{\"id\":[$sms]}"
  rest scheduler-jobs $((PORT + 3)) "$trigger" "{}" --include-path-regex '^/v1/jobs/'
  rest scheduler-uploads $((PORT + 3)) "$rest_wholesaler" "{}" --exclude-path-regex '^/v1/jobs/'
  rest_ops=$(( $(wc -l <"$work/count") - graphql_ops ))
  echo "fuzz: rest: $rest_ops operations in $((SECONDS - started)) s (services started and seeded included)"
fi
echo "fuzz: $(wc -l <"$work/count") operations in all ($graphql_ops GraphQL, $rest_ops REST); $([ $failed = 0 ] && echo "no findings" || echo "FINDINGS above")"
for service in core receipt messaging scheduler; do
  if [ -f "$work/$service.log" ] && grep -q "panicked" "$work/$service.log"; then
    echo "fuzz: $service panicked:"; grep -A3 panicked "$work/$service.log"; failed=1
  fi
done
exit $failed
