#!/usr/bin/env bash
# The image's build steps, in one place. The Dockerfile's build stage runs this script, and
# scripts/docker-build-check.sh runs the same script without Docker, so what CI starts is what
# the image holds: the same install, the same build, the same production-only deploy.
#
#   bash docker/build-app.sh OUT_DIR                  install, build, then deploy into OUT_DIR
#   bash docker/build-app.sh OUT_DIR --reuse-build    deploy from a workspace already installed and
#                                                      built by these same two commands (setup.sh)
#
# OUT_DIR receives the server package with its production dependencies only (pnpm deploy --prod:
# no vitest, tsx or drizzle-kit), its compiled code (dist/), its migrations (drizzle/), and the
# web UI's static export in OUT_DIR/web (the image sets GLACIER_WEB_DIR to it).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:?usage: build-app.sh OUT_DIR [--reuse-build]}
reuse=0
[[ "${2:-}" == "--reuse-build" ]] && reuse=1

export NEXT_TELEMETRY_DISABLED=1
# better-sqlite3 is compiled here, against the headers of the Node that will run it, for the
# platform this runs on: buildx runs the build stage once per target platform (natively or under
# QEMU), so linux/amd64 and linux/arm64 each get their own binary. No prebuilt binary is
# downloaded (only npm packages are fetched). The official node image keeps its headers in
# /usr/local/include/node; Debian's nodejs package in /usr/include/node.
export npm_config_build_from_source=better-sqlite3
if [[ -z "${npm_config_nodedir:-}" ]]; then
  for prefix in /usr/local /usr; do
    if [[ -f "$prefix/include/node/node_api.h" ]]; then
      export npm_config_nodedir=$prefix
      break
    fi
  done
fi

if ((reuse == 0)); then
  pnpm install --frozen-lockfile
  pnpm build
fi
for built in apps/server/dist/main.js apps/server/dist/cli/main.js apps/web/out/index.html; do
  [[ -f "$built" ]] || { echo "build-app.sh: $built is missing: run pnpm build" >&2; exit 1; }
done

# sharp's native part comes prebuilt per platform (@img/sharp-linux-x64, @img/sharp-linux-arm64,
# each with its libvips); pnpm installs the one matching the platform it runs on, and the
# lockfile holds them all, so nothing here may narrow pnpm's supportedArchitectures.
rm -rf "$out"
pnpm --filter @glacier/server deploy --prod "$out"
# Only what runs: sources, tests and dev configs stay out of the image; so do better-sqlite3's
# compiler leftovers (object files, the static SQLite library, the C++ sources), about 17 MB.
rm -rf "$out/src" "$out/test" "$out"/tsconfig*.json "$out/vitest.config.ts" "$out/drizzle.config.ts"
for sqlite_pkg in "$out"/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3; do
  rm -rf "$sqlite_pkg/deps" "$sqlite_pkg/src" "$sqlite_pkg/build/Release/obj" \
    "$sqlite_pkg/build/Release/obj.target" "$sqlite_pkg/build/Release/.deps" \
    "$sqlite_pkg/build/Release/sqlite3.a" "$sqlite_pkg/build/Release/test_extension.node"
done
cp -r apps/web/out "$out/web"
echo "build-app.sh: production app in $out ($(du -sh "$out" | cut -f1))"
