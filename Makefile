# MarketBill — the commands a developer needs. `make run` and `make test` are
# the two that matter; everything else is a step of theirs.
SHELL := /bin/bash
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/marketbill

.PHONY: run test tools lint fmt build migrate keys schema check-contract fuzz chaos check-deploy check-alerts bench-core bench-night profile-core bench-messaging bench-receipt bench-scheduler bench-import bench-board

## Start all four services locally (PostgreSQL must be reachable at DATABASE_URL).
run:
	@scripts/run-local.sh

## Format check, clippy, and every test (unit, integration, end to end).
test: tools
	@for script in scripts/*.sh .ci/run; do bash -n "$$script" || exit 1; done
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo build --workspace --bins --quiet
	FUZZ_EXAMPLES=4 scripts/fuzz.sh
	scripts/check-deploy.sh
	@$(MAKE) --no-print-directory check-alerts
	cargo nextest run --workspace --no-fail-fast --retries 0

## Prometheus alert rules: syntax (promtool check rules) and behaviour (promtool
## test rules: each alert fires, and stays quiet, where alerts.test.yml says).
check-alerts: tools
	promtool check rules deploy/prometheus/alerts.yml
	promtool test rules deploy/prometheus/alerts.test.yml

## An operator's bad night, bounded (about 30 s): 8 florists ordering while PostgreSQL
## drops every connection three times and core is SIGKILLed and restarted; prints what
## it counted and fails on a lost or doubled order, an INTERNAL or no recovery.
chaos:
	cargo build --workspace --bins --quiet
	cargo nextest run -p e2e --test chaos --run-ignored only --no-capture

## Deployment files: render the Kubernetes overlays, validate them (schemas,
## checkov) and docker-compose.yml (scripts/check-deploy.sh).
check-deploy: tools
	scripts/check-deploy.sh

## GraphQL fuzzing: schemathesis against a real core as an anonymous caller, a
## retailer and a wholesaler; fails on a 5xx, an INTERNAL code or a 2 s answer.
fuzz: tools
	scripts/fuzz.sh

## Install the test tools (diesel CLI, fonts, S3 test server) when missing.
tools:
	@scripts/tools.sh

lint:
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all

build:
	cargo build --workspace --bins

## Apply pending migrations to DATABASE_URL (creating the database if missing).
migrate:
	cargo run --quiet --bin migrate

## Print a fresh signing key pair and service token (env lines).
keys:
	@cargo run --quiet --bin core -- keys generate

## Regenerate crates/db/src/schema.rs from the migrations.
schema: tools
	@scripts/print-schema.sh > crates/db/src/schema.rs

## Compare the printed GraphQL schema with the original contract, and validate the
## operations a florist's and a wholesaler's client send (services/core/operations).
check-contract:
	../shared/tools/check-contract.sh services/core/schema.graphql services/core/operations/*.graphql

## Core: a seeded market (30 wholesalers, 600 retailers, 2,000 flowers, 600 sheets × 15 lines a day)
## under 8 concurrent GraphQL clients from a second process; p50/p99, req/s, vs hand-written SQL (release).
bench-core:
	cargo build --release --quiet -p core-service --bin core
	cargo bench --quiet -p core-service --bench market

## The last half hour before the cut-off alone (bench-core runs it last): 600 florists'
## edits of one wholesaler's sheets against 10 live boards and 10 day-view readers.
bench-night:
	cargo build --release --quiet -p core-service --bin core
	BENCH_NIGHT=only cargo bench --quiet -p core-service --bench market

## Core's instructions for a short bench-core run under callgrind (repeatable,
## unlike wall time here): the total, then the costliest functions.
profile-core:
	cargo build --release --quiet -p core-service --bin core
	CORE_BIN=$(CURDIR)/scripts/callgrind-core.sh BENCH_CLIENTS=1 BENCH_REQUESTS=8 BENCH_NIGHT=off \
	  cargo bench --quiet -p core-service --bench market 2>&1 | grep -E "I +refs|^day view"
	callgrind_annotate --inclusive=yes target/callgrind.core.out | sed -n "20,70p" | cut -c1-200

## Receipt statements: p50/p99 render+store for 1/20/200 lines, throughput, PDF sizes (release).
bench-receipt:
	cargo run --release --quiet -p receipt-service --bin bench-receipt -- --out target/receipt-sample.pdf

## Messaging throughput: sends/s through HTTP, record provider, log rows in a fresh database (release).
bench-messaging:
	cargo bench --quiet -p messaging-service --bench send_throughput

## Scheduler: a 3,000-row aT day (paged, local stand-in) synced into a fresh database, then re-run (release).
bench-scheduler:
	cargo bench --quiet -p scheduler-service --bench ingest

## Import: an original MarketBill database with 100,000 order lines (generated) moved by
## `migrate import-original` into a fresh database; prints rows, seconds, rows/s (release).
bench-import:
	cargo bench --quiet -p db --bench import

## Auction price board: a fresh database with 90 sale days × 3,000 aT rows; prints the
## backfill, one day's refresh (what a sync adds) and p50/p99 of a day's board page (release).
bench-board:
	cargo bench --quiet -p db --bench price_board
