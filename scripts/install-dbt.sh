#!/usr/bin/env bash
# Installs real dbt for Flyt's dbt integration (packages/dbt) and its tests: a Python virtualenv
# (default .venv-dbt at the repository root, or the directory given as the first argument) with
# dbt-core, dbt-duckdb and dbt-postgres 1.11 from PyPI. Idempotent: when the virtualenv is already
# there and imports dbt 1.11 with both adapters, it does nothing.
#
# Why below 1.12: dbt-core 1.12 depends on dbt-core-experimental-parser, whose build downloads a
# wheel from outside the package registries; where only the registries are reachable (CI, offline
# mirrors) that install fails. 1.11 needs nothing but PyPI.
#
# Usage: bash scripts/install-dbt.sh [VENV_DIR]      (PYTHON=python3.12 to choose the interpreter)
# Then:  FLYT_DBT_EXECUTABLE=<VENV_DIR>/bin/dbt (Flyt), FLYT_TEST_DBT=<VENV_DIR>/bin/dbt (tests;
#        they find .venv-dbt on their own).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${1:-$ROOT/.venv-dbt}"
PYTHON="${PYTHON:-python3}"
REQUIREMENTS=("dbt-core>=1.11,<1.12" "dbt-duckdb>=1.11,<1.12" "dbt-postgres>=1.11,<1.12")

# Imports what Flyt runs (dbt's CLI and both adapters) and prints dbt-core's version; fails otherwise.
CHECK='
import importlib.metadata as m
import dbt.cli.main, dbt.adapters.duckdb, dbt.adapters.postgres
v = m.version("dbt-core")
assert v.startswith("1.11."), "dbt-core " + v + " is not 1.11"
print(v, "(dbt-duckdb " + m.version("dbt-duckdb") + ", dbt-postgres " + m.version("dbt-postgres") + ")")
'

if [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/dbt" ] && version="$("$VENV/bin/python" -c "$CHECK" 2>/dev/null)"; then
  echo "== dbt is installed: $VENV/bin/dbt, dbt-core $version"
  exit 0
fi

command -v "$PYTHON" >/dev/null 2>&1 || { echo "install-dbt: $PYTHON not found; dbt 1.11 needs Python 3.10–3.13 (set PYTHON=…)" >&2; exit 1; }
"$PYTHON" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)' || {
  echo "install-dbt: dbt 1.11 needs Python 3.10–3.13, $PYTHON is $("$PYTHON" --version 2>&1) (set PYTHON=…)" >&2
  exit 1
}

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating the virtualenv $VENV ($("$PYTHON" --version 2>&1))"
  "$PYTHON" -m venv "$VENV"
else
  echo "== reusing the virtualenv $VENV (dbt missing or not 1.11 there)"
fi
echo "== installing ${REQUIREMENTS[*]} from PyPI (about a minute, ~200 MB)"
"$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar on "${REQUIREMENTS[@]}"

version="$("$VENV/bin/python" -c "$CHECK")" || { echo "install-dbt: dbt was installed into $VENV but does not import" >&2; exit 1; }
echo "== dbt is installed: $VENV/bin/dbt, dbt-core $version"
