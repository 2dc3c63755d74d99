#!/usr/bin/env bash
# Sets up Glacier Archiver on a fresh Debian/Ubuntu machine (or checks that it is set up):
# system packages, pnpm, the workspace's packages, and a build of the server and web UI.
#   bash scripts/setup.sh          what running the app needs
#   bash scripts/setup.sh --test   also what the tests need (Chromium for Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( node_major < need_node_major )); then
  echo "Node.js ${need_node_major}.19 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# System tools: ffmpeg/ffprobe for video, perl for exiftool, libheif's tools for HEIC (sharp's
# libvips cannot decode HEVC), DejaVu fonts for the contact sheets' labels, Chromium for the
# browser tests, python3-venv for the test S3 server (moto).
packages=()
command -v ffprobe >/dev/null || packages+=(ffmpeg)
command -v perl >/dev/null || packages+=(perl)
command -v openssl >/dev/null || packages+=(openssl)
command -v heif-convert >/dev/null || packages+=(libheif-examples)
command -v heif-thumbnailer >/dev/null || packages+=(heif-thumbnailer)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || packages+=(fonts-dejavu-core)
if (( want_test )); then
  command -v chromium >/dev/null || packages+=(chromium)
  python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
fi
if (( ${#packages[@]} > 0 )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing ${packages[*]} (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  else
    echo "Please install: ${packages[*]} (e.g. sudo apt-get install ${packages[*]})" >&2
    exit 1
  fi
fi

if ! command -v pnpm >/dev/null || [[ "$(pnpm --version)" != 12.* ]]; then
  say "installing pnpm 12.4.2"
  npm install -g pnpm@12.4.2 >/dev/null
fi

# better-sqlite3 compiles against the local Node headers (no prebuilt download here).
if [[ -d /usr/include/node ]]; then export npm_config_nodedir=/usr; fi
export NEXT_TELEMETRY_DISABLED=1

say "installing packages"
pnpm install --frozen-lockfile

say "building server and web UI"
pnpm build
if (( want_test )); then
  say "test S3 server (moto, in .venv-moto)"
  bash scripts/moto.sh
fi
say "ready: 'pnpm start' serves http://localhost:${GLACIER_PORT:-8377} (data in ${GLACIER_DATA_DIR:-./data})"
