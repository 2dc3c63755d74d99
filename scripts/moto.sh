#!/usr/bin/env bash
# Installs moto's S3 server (the local S3 the storage tests talk to over HTTP) into a venv at
# <repo>/.venv-moto, once. Idempotent: when the venv already has the pinned version it only
# checks and exits, so the test suite may call it on every run.
#   bash scripts/moto.sh           install if needed, print the venv's moto_server path
# MOTO_VENV overrides the venv's location (e.g. a cache directory on CI).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
venv="${MOTO_VENV:-$PWD/.venv-moto}"
stamp="$venv/.glacier-moto-$MOTO_VERSION"

# The stamp is written last, so a half-finished install (killed pip, no network) is redone.
if [[ -f "$stamp" && -x "$venv/bin/moto_server" ]]; then
  echo "$venv/bin/moto_server"
  exit 0
fi

# Test files start in parallel and may all find the venv missing: one installs, the others wait.
if command -v flock >/dev/null; then
  exec 9>"${TMPDIR:-/tmp}/glacier-moto-install.lock"
  flock 9
  if [[ -f "$stamp" && -x "$venv/bin/moto_server" ]]; then
    echo "$venv/bin/moto_server"
    exit 0
  fi
fi

if ! command -v python3 >/dev/null; then
  echo "python3 is needed for the S3 tests (moto): apt-get install python3 python3-venv" >&2
  exit 1
fi

echo "installing moto[server]==$MOTO_VERSION into $venv" >&2
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >&2
# crc32c lets moto store CRC32C checksums as named instead of falling back to CRC32.
"$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" crc32c >&2
touch "$stamp"
echo "$venv/bin/moto_server"
