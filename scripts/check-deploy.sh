#!/usr/bin/env bash
# `make check-deploy` (part of `make test`): the deployment files are valid.
#   1. `kubectl kustomize` renders both Kubernetes overlays (deploy/k8s);
#   2. every rendered object validates against the Kubernetes schemas
#      (kubernetes-validate --strict, for 1.30 — the oldest release with
#      CronJob time zones GA and still in use — and 1.37, the newest bundled);
#   3. checkov's static policy check passes (waivers, with reasons, in
#      deploy/k8s/.checkov.yaml);
#   4. `docker-compose config` validates docker-compose.yml with .env.example
#      as its env file.
# The variables themselves are checked by tests/e2e/tests/compose.rs.
# Tools: scripts/tools.sh (kubectl from the machine or PyPI, the rest from
# Debian and PyPI into .tools/deploy).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.tools/deploy
KUBECTL="$(command -v kubectl || echo "$VENV/bin/kubectl")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for overlay in dev prod; do
  "$KUBECTL" kustomize "deploy/k8s/overlays/$overlay" > "$out/$overlay.yaml"
done
objects=$(grep -c '^kind:' "$out"/*.yaml | awk -F: '{ n += $2 } END { print n }')

for version in 1.30.0 1.37.0; do
  "$VENV/bin/kubernetes-validate" --strict --quiet -k "$version" "$out"/dev.yaml "$out"/prod.yaml
done

if ! "$VENV/bin/checkov" -d "$out" --config-file deploy/k8s/.checkov.yaml > "$out/checkov.txt" 2>&1; then
  cat "$out/checkov.txt" >&2
  echo "check-deploy: checkov found problems in the rendered overlays (above)" >&2
  exit 1
fi
checks=$(grep -o 'Passed checks: [0-9]*' "$out/checkov.txt" | head -n1)

# Nothing from this shell's environment: compose would prefer it to the env file.
env -i PATH="$PATH" docker-compose --env-file .env.example -f docker-compose.yml config --quiet

echo "check-deploy: dev and prod render ($objects objects), valid for Kubernetes 1.30 and 1.37, checkov ${checks,,}; docker-compose.yml valid"
