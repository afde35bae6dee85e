#!/usr/bin/env bash
# Everything a fresh machine needs before `./treesynth demo` or `pnpm test`, and nothing more on a
# second call: pnpm at the version package.json pins, Debian's chromium and fonts-liberation (the
# report's browser tests), python3 (the benchmarks' reference checks), then the workspace's
# dependencies. Safe to run again; `apt-get update` runs only when a package must be installed.
# Its own messages go to stderr, so `bash scripts/setup.sh && pnpm treesynth ... --json` stays clean.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 3>&1 1>&2

say() { echo "setup: $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "Node.js 20 or later is needed (found: $(node --version 2>/dev/null || echo none))"
  exit 1
fi

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  say "installing pnpm@$pnpm_version"
  if [ -w "$(npm prefix -g)" ]; then npm install -g "pnpm@$pnpm_version"; else as_root npm install -g "pnpm@$pnpm_version"; fi
fi

# Debian packages: what is missing, if anything.
missing=()
[ -x "${TREESYNTH_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-liberation 2>/dev/null | grep -q 'ok installed' || missing+=(fonts-liberation)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    say "not a Debian system: install ${missing[*]} yourself (the browser tests look for /usr/bin/chromium," \
      "or the path in TREESYNTH_CHROMIUM)"
  fi
fi

# onnxruntime-node (pulled by @huggingface/transformers) must not download GPU binaries. The repo's
# .npmrc keeps pnpm quiet (clean stdout for `pnpm treesynth ... --json`); an install shows its output.
ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
  pnpm install --frozen-lockfile --reporter=default
