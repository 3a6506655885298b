#!/usr/bin/env bash
# Assembles the platform image's /app tree from a built checkout: the workspace manifests and the
# lock file, each package's compiled dist/ (tests and source maps left out), the UI build, and the
# production dependencies only (`npm ci --omit=dev`), then prunes what Node never loads at run time.
# The Dockerfile runs this script; CI runs the same script on a copy of the tree (deploy/test), so
# what is tested is what the image gets.
# Usage: assemble-runtime.sh <built-checkout> <out-dir>
# FLYT_ASSEMBLE_NPM_FLAGS adds npm ci flags (CI, which cannot download native prebuilds, passes
# "--offline --ignore-scripts" and supplies the better-sqlite3 addon itself).
set -euo pipefail
SRC="$(cd "$1" && pwd)"
OUT="$2"
[ -d "$SRC/packages/cli/dist" ] || { echo "assemble-runtime: $SRC is not built (run tsc -b first)" >&2; exit 1; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cp "$SRC/package.json" "$SRC/package-lock.json" "$OUT/"

# Every workspace named in package.json must exist for `npm ci`; packages get their compiled code,
# examples and the deploy tests only their manifest (the platform image runs neither).
node -e 'for (const w of require(process.argv[1]).workspaces) console.log(w)' "$SRC/package.json" | while read -r ws; do
  mkdir -p "$OUT/$ws"
  cp "$SRC/$ws/package.json" "$OUT/$ws/"
  case "$ws" in examples/*|deploy/*) continue ;; esac
  [ -d "$SRC/$ws/bin" ] && cp -R "$SRC/$ws/bin" "$OUT/$ws/"
  if [ -d "$SRC/$ws/dist" ]; then
    (cd "$SRC/$ws" && find dist -type f \
      ! -name '*.test.js' ! -name '*.test.d.ts' ! -name '*.map' ! -name '*.tsbuildinfo' \
      ! -path '*/test-fixtures/*' ! -path '*/test-support/*' -print0 \
      | xargs -0 -r cp --parents -t "$OUT/$ws")
  fi
done

# shellcheck disable=SC2086 # the extra flags are meant to split into words
(cd "$OUT" && npm ci --omit=dev --no-audit --no-fund --loglevel=error ${FLYT_ASSEMBLE_NPM_FLAGS:-})

# Node loads only the compiled addon of better-sqlite3: drop its bundled SQLite sources and objects.
BS3="$OUT/node_modules/better-sqlite3"
if [ -d "$BS3" ]; then
  rm -rf "$BS3/deps" "$BS3/src" "$BS3/build/Release/obj" "$BS3/build/Release/obj.target" "$BS3/build/Release/.deps" \
    "$BS3/build/Release/test_extension.node" "$BS3/build/Release/sqlite3.a" "$BS3/build/deps"
fi
find "$OUT/node_modules" -type f \( -name '*.map' -o -name '*.md' -o -name '*.markdown' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -delete
chmod 0755 "$OUT/packages/cli/bin/flyt.js"
