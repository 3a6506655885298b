#!/usr/bin/env bash
# Builds the Atlas dbt project on PostgreSQL: lands the fixtures' rows into atlas_raw.* (and the
# NDJSON landing files), then runs `dbt build --target postgres`. The server comes from
# FLYT_TEST_DATABASE_URL, so from the repository root:
#
#   node scripts/with-test-postgres.mjs bash examples/atlas/scripts/dbt-build-postgres.sh [extra dbt args…]
#
# DBT (default <repo>/.venv-dbt/bin/dbt, else dbt on PATH); ATLAS_DATA_DIR and the dbt target path
# default to fresh temporary folders. Needs `npx tsc -b examples/atlas` (the landing script uses the
# example's compiled parsers).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
: "${FLYT_TEST_DATABASE_URL:?set it, or run this under node scripts/with-test-postgres.mjs}"
dbt="${DBT:-$repo/.venv-dbt/bin/dbt}"
[ -x "$dbt" ] || dbt=dbt

eval "$(node -e '
const u = new URL(process.env.FLYT_TEST_DATABASE_URL);
const q = (s) => "\x27" + decodeURIComponent(s).replaceAll("\x27", "\x27\\\x27\x27") + "\x27";
console.log(`export ATLAS_PG_HOST=${q(u.hostname)} ATLAS_PG_PORT=${q(u.port || "5432")} ATLAS_PG_USER=${q(u.username)} ATLAS_PG_PASSWORD=${q(u.password)} ATLAS_PG_DATABASE=${q(u.pathname.slice(1) || "postgres")}`);
')"
export ATLAS_DBT_TARGET=postgres
export ATLAS_DATA_DIR="${ATLAS_DATA_DIR:-$(mktemp -d -t atlas-dbt-pg-data.XXXXXX)}"
target_path="${DBT_TARGET_PATH:-$(mktemp -d -t atlas-dbt-pg-target.XXXXXX)}"

node "$here/land-fixtures-for-dbt.mjs" --postgres "$FLYT_TEST_DATABASE_URL"
cd "$here/../dbt"
exec "$dbt" build --profiles-dir . --target postgres --target-path "$target_path" "$@"
