#!/usr/bin/env bash
# Runs every check and test: types, lint, server tests (real SQLite, real media), web unit tests
# (the UI's formatting, tags and job event reducers), the docker image's build steps run without
# Docker, end-to-end browser tests. Prints one summary line over all test runners at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
rm -rf artifacts && mkdir -p artifacts
status=0
step() { printf '\n\033[1m== %s\033[0m\n' "$1"; shift; "$@" || status=1; }

step "typecheck" pnpm -r run typecheck
step "lint" pnpm lint
step "server tests" pnpm --filter @glacier/server run test
step "web unit tests" pnpm --filter @glacier/web run test
step "docker image build check (no Docker: same build steps, production install, read-only media)" \
  bash scripts/docker-build-check.sh
step "end-to-end tests" pnpm --filter @glacier/e2e run test
node scripts/junit-summary.mjs artifacts/junit-*.xml || status=1
exit $status
