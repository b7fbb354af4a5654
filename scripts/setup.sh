#!/usr/bin/env bash
# Sets up a fresh machine for shequ: a C/C++ toolchain (better-sqlite3 compiles its
# native module when no prebuilt binary can be fetched), pnpm at the version pinned in
# package.json, the dependencies from the lockfile, and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v make >/dev/null 2>&1 || missing+=(build-essential)
command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "shequ needs ${missing[*]}; install them (apt-get install -y ${missing[*]}) and run this again" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

pinned=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pinned" ]; then
  npm install --global --no-fund --no-audit "pnpm@$pinned"
fi

pnpm install --frozen-lockfile
pnpm build
