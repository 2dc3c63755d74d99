#!/usr/bin/env bash
# The docker image, checked without Docker (there is no Docker engine in CI): the Dockerfile's
# build steps run as they run in its build stage, and their result is started as the image
# starts it, against a read-only media folder and a fresh data dir.
#
#   bash scripts/docker-build-check.sh             deploy from the workspace setup.sh installed
#                                                   and built (the same `pnpm install
#                                                   --frozen-lockfile` and `pnpm build`)
#   bash scripts/docker-build-check.sh --rebuild   run those two commands again first
#
# What it checks, in order:
#  1. the Dockerfile, read by BuildKit's own parser (PyPI `dockerfile`): its build stage runs
#     docker/build-app.sh into /app and copies every workspace manifest before installing; its
#     runtime stage's packages exist in Debian bookworm; its ENV, ENTRYPOINT, CMD and HEALTHCHECK
#     are what is started below (with /app read as the temporary folder);
#  2. the lockfile holds sharp's and argon2's native packages for linux x64 and arm64;
#  3. docker/build-app.sh into $GLACIER_IMAGE_DIR/app (default /tmp/glacier-image): a production
#     install with no dev packages, whose native modules load;
#  4. the server started through docker/glacier-entrypoint as PUID:PGID 65534 (root drops its
#     privileges as in the container), with a read-only bind mount of the media (`mount --bind
#     -o ro`; without root the folder is made read-only with chmod instead): health check, first
#     start through the API (set the password, add the root, scan, browse), the web UI, the
#     `glacier` CLI wrapper, a catalog backup, a clean SIGTERM stop, a restart that keeps it all,
#     and not one byte changed in the media;
#  5. docker-compose.yml and docker/compose.https.yml against the compose-spec JSON schema that
#     PyPI's check-jsonschema ships (vendor.compose-spec), plus the promises the README makes of
#     them (read-only media, data volume, health check, stop grace period, limits).
# Downloads only from PyPI (the tools, once, into .venv-tools) and npm (pnpm's store).
# The image_*, build_from and runtime_from variables come from the Dockerfile, through eval.
# shellcheck disable=SC2154
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

rebuild=0
[[ "${1:-}" == "--rebuild" ]] && rebuild=1
work=${GLACIER_IMAGE_DIR:-/tmp/glacier-image}
app="$work/app"
artifacts=${ARTIFACTS_DIR:-artifacts}
mkdir -p "$artifacts"
# Each step is a test case in artifacts/junit-docker.xml, so test-all.sh's summary counts them.
steps=()
step=""
say() {
  [[ -n "$step" ]] && steps+=("$step")
  step=$*
  printf '\033[1m-- %s\033[0m\n' "$*"
}
junit() {
  local failure=${1:-} name
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites><testsuite name=\"docker-build-check\">"
    for name in "${steps[@]}"; do echo "<testcase classname=\"docker\" name=\"${name//&/and}\"/>"; done
    if [[ -n "$step" ]]; then
      if [[ -n "$failure" ]]; then
        echo "<testcase classname=\"docker\" name=\"${step//&/and}\"><failure>$(printf '%s' "$failure" | sed 's/&/\&amp;/g; s/</\&lt;/g')</failure></testcase>"
      else
        echo "<testcase classname=\"docker\" name=\"${step//&/and}\"/>"
      fi
    fi
    echo '</testsuite></testsuites>'
  } >"$artifacts/junit-docker.xml"
}
fail() {
  echo "docker-build-check: FAILED: $*" >&2
  junit "$*"
  exit 1
}

# ---------------------------------------------------------------------------- tools (PyPI)
venv=.venv-tools
if ! "$venv/bin/check-jsonschema" --version >/dev/null 2>&1 ||
  ! "$venv/bin/python" -c 'import dockerfile, ruamel.yaml' 2>/dev/null; then
  say "installing check-jsonschema and dockerfile (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'check-jsonschema==0.39.0' 'dockerfile==3.4.0'
fi

# ---------------------------------------------------------------------------- 1. Dockerfile
say "reading the Dockerfile"
facts=$("$venv/bin/python" - "$app" <<'PY'
import glob, json, shlex, sys
import dockerfile

app = sys.argv[1]
errors = []
stages = {}
stage = None
for c in dockerfile.parse_file('Dockerfile'):
    if c.cmd == 'FROM':
        stage = c.value[-1] if len(c.value) == 3 else c.value[0]
        stages[stage] = {'from': c.value[0], 'run': [], 'env': {}, 'copy': []}
    elif stage is None:
        continue
    elif c.cmd == 'RUN':
        stages[stage]['run'].append(' '.join(c.value))
    elif c.cmd == 'ENV':
        stages[stage]['env'].update(dict(zip(c.value[0::2], c.value[1::2])))
    elif c.cmd == 'COPY':
        stages[stage]['copy'].append((c.flags, c.value))
    elif c.cmd in ('ENTRYPOINT', 'CMD', 'HEALTHCHECK'):
        stages[stage][c.cmd] = list(c.value)

build, runtime = stages.get('build'), stages.get('runtime')
if not build or not runtime:
    sys.exit('the Dockerfile needs a "build" and a "runtime" stage')
if 'bash docker/build-app.sh /app' not in build['run']:
    errors.append('the build stage must RUN bash docker/build-app.sh /app')
copied = {src for _, value in build['copy'] for src in value[:-1]}
manifests = ['package.json'] + sorted(
    p for pattern in ('apps/*/package.json', 'e2e/package.json', 'bench/package.json')
    for p in glob.glob(pattern))
for m in manifests + ['pnpm-lock.yaml', 'pnpm-workspace.yaml']:
    if m not in copied:
        errors.append(f'the build stage installs before copying {m}')
if not any(flags == ('--from=build',) and value == ('/app', '/app') for flags, value in runtime['copy']):
    errors.append('the runtime stage must COPY --from=build /app /app')
packages = []
for run in runtime['run']:
    if 'apt-get install' in run:
        words = run.split('apt-get install', 1)[1].split('&&')[0].split()
        packages += [w for w in words if not w.startswith('-')]
for key in ('ENTRYPOINT', 'CMD', 'HEALTHCHECK'):
    if key not in runtime:
        errors.append(f'the runtime stage has no {key}')
if errors:
    sys.exit('\n'.join(errors))

def here(value):
    return value.replace('/app', app, 1) if value.startswith('/app') else value

out = []
for key, value in runtime['env'].items():
    out.append(f'image_env_{key}={shlex.quote(here(value))}')
out.append('image_env_names=' + shlex.quote(' '.join(runtime['env'])))
out.append('image_cmd=(' + ' '.join(shlex.quote(here(v)) for v in runtime['CMD']) + ')')
out.append('image_entrypoint=(' + ' '.join(shlex.quote(v) for v in runtime['ENTRYPOINT']) + ')')
out.append('image_health=(' + ' '.join(shlex.quote(v) for v in runtime['HEALTHCHECK'][1:]) + ')')
out.append('image_packages=(' + ' '.join(shlex.quote(p) for p in packages) + ')')
out.append('build_from=' + shlex.quote(build['from']) + '; runtime_from=' + shlex.quote(runtime['from']))
print('\n'.join(out))
PY
) || fail "the Dockerfile: $facts"
eval "$facts"
[[ "$build_from" == *bookworm && "$runtime_from" == *bookworm-slim ]] ||
  fail "the stages must be Debian bookworm images (build: $build_from, runtime: $runtime_from)"
[[ "${image_entrypoint[*]}" == "/usr/bin/tini -- /usr/local/bin/glacier-entrypoint" ]] ||
  fail "unexpected ENTRYPOINT ${image_entrypoint[*]}"
[[ "${image_health[*]}" == "glacier-healthcheck" ]] || fail "unexpected HEALTHCHECK ${image_health[*]}"
if apt-cache show bash >/dev/null 2>&1; then
  for package in "${image_packages[@]}"; do
    apt-cache show "$package" >/dev/null 2>&1 || fail "no Debian package named $package"
  done
else
  echo "   (apt lists absent: the runtime packages' names were not looked up)"
fi

# ---------------------------------------------------------------------------- 2. lockfile
say "native packages for linux/amd64 and linux/arm64 in the lockfile"
for native in @img/sharp-linux-x64@ @img/sharp-linux-arm64@ @img/sharp-libvips-linux-x64@ \
  @img/sharp-libvips-linux-arm64@ @node-rs/argon2-linux-x64-gnu@ @node-rs/argon2-linux-arm64-gnu@; do
  grep -q "^  '$native" pnpm-lock.yaml || fail "pnpm-lock.yaml lacks $native (one platform only?)"
done
if grep -q 'supportedArchitectures' pnpm-workspace.yaml .npmrc 2>/dev/null; then
  fail "supportedArchitectures narrows the platforms pnpm installs"
fi

# ---------------------------------------------------------------------------- 3. build
say "docker/build-app.sh into $app"
cleanup() {
  [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  mountpoint -q "$work/media/photos" 2>/dev/null && umount -l "$work/media/photos"
  return 0
}
trap cleanup EXIT
cleanup
rm -rf "$work"
mkdir -p "$work"
build_args=("$app")
if ((rebuild == 0)) && [[ -f apps/server/dist/main.js && -f apps/web/out/index.html ]]; then
  build_args+=(--reuse-build)
fi
bash docker/build-app.sh "${build_args[@]}"
for dev_only in vitest tsx drizzle-kit typescript @types/node; do
  [[ ! -e "$app/node_modules/$dev_only" ]] || fail "the production install holds $dev_only"
done
[[ -f "$app/drizzle/meta/_journal.json" && -f "$app/web/index.html" ]] ||
  fail "the migrations or the web UI are missing from $app"
(cd "$app" && node --input-type=module -e "
  const { default: Database } = await import('better-sqlite3');
  const { default: sharp } = await import('sharp');
  const { hash } = await import('@node-rs/argon2');
  new Database(':memory:').prepare('select 1').get();
  await hash('x');
  // A photo for the media folder, made by the deployed sharp: its native part works too.
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3060a0' } })
    .jpeg().withMetadata({ exif: { IFD0: { Make: 'Canon' } } })
    .toFile('$work/IMG_0001.jpg');
") || fail "a native module of the production install does not load"

# ---------------------------------------------------------------------------- 4. run
media_src="$work/media-src"
media="$work/media/photos"
data="$work/data"
restore="$work/restore"
mkdir -p "$media_src/2024/Trip" "$media" "$restore"
mv "$work/IMG_0001.jpg" "$media_src/2024/Trip/"
printf 'notes' >"$media_src/2024/notes.txt"
if [[ $(id -u) -eq 0 ]]; then
  mount --bind -o ro "$media_src" "$media"
  as_user=(PUID=65534 PGID=65534)
  if touch "$media/probe" 2>/dev/null; then fail "the read-only bind mount accepted a write"; fi
else
  echo "   (not root: the media folder is made read-only with chmod, and the app runs as $(id -un))"
  rmdir "$media"
  ln -s "$media_src" "$media"
  chmod -R a-w "$media_src"
  as_user=()
fi
snapshot() { find "$media_src" -printf '%P %s %T@ %C@ %m\n' | sort; }
media_before=$(snapshot)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The container's environment: the image's ENV (paths mapped into $work), minus GLACIER_USER
# (the image's own account, which is not to be changed on this machine), and what compose adds.
run_env=(PATH="$PATH" HOME="${HOME:-/root}" TZ=Etc/UTC "${as_user[@]}")
for name in $image_env_names; do
  var="image_env_$name"
  case "$name" in
    GLACIER_USER) ;;
    GLACIER_DATA_DIR) run_env+=("$name=$data") ;;
    GLACIER_WRITABLE_DIRS) run_env+=("$name=$restore") ;;
    GLACIER_PORT) run_env+=("$name=$port") ;;
    *) run_env+=("$name=${!var}") ;;
  esac
done
run_env+=(GLACIER_HOST=127.0.0.1 GLACIER_TRUSTED_PROXY= GLACIER_BACKUP_INTERVAL_HOURS=24)
log="$artifacts/docker-build-check.log"
: >"$log"

start_server() {
  # tini (the image's PID 1) only forwards signals; the entrypoint and the command are the image's.
  env -i "${run_env[@]}" sh docker/glacier-entrypoint "${image_cmd[@]}" >>"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    if env -i "${run_env[@]}" node docker/healthcheck.mjs; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited at start: $(tail -20 "$log")"
    sleep 0.2
  done
  fail "no healthy server after 30 s: $(tail -20 "$log")"
}
stop_server() {
  kill -TERM "$server_pid"
  local code=0
  wait "$server_pid" || code=$?
  server_pid=
  ((code == 0)) || fail "the server exited with $code on SIGTERM: $(tail -20 "$log")"
}
cli() { env -i "${run_env[@]}" GLACIER_APP_DIR="$app" sh docker/glacier "$@"; }

say "first start (as ${as_user[*]:-$(id -un)}), through the API"
start_server
if [[ $(id -u) -eq 0 ]]; then
  uid=$(awk '/^Uid:/ { print $2 }' "/proc/$server_pid/status")
  [[ "$uid" == 65534 ]] || fail "the server runs as uid $uid, not PUID 65534"
fi
base="http://127.0.0.1:$port"
BASE=$base MEDIA=$media node --input-type=module -e "
  const base = process.env.BASE;
  const headers = { 'content-type': 'application/json', origin: base };
  const must = (ok, what) => { if (!ok) { console.error('API: ' + what); process.exit(1); } };
  const state = await (await fetch(base + '/api/auth/state')).json();
  must(state.setupRequired === true, 'a fresh data dir should ask for a password');
  const setup = await fetch(base + '/api/auth/setup', { method: 'POST', headers, body: JSON.stringify({ password: 'a long enough password' }) });
  must(setup.status === 204, 'setup answered ' + setup.status);
  const cookie = setup.headers.getSetCookie()[0].split(';')[0];
  const call = (path, body) => fetch(base + path, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify(body) });
  const root = await call('/api/roots', { path: process.env.MEDIA, label: 'photos' });
  must(root.status === 201, 'adding the root answered ' + root.status + ' ' + (await root.text()));
  const scan = await call('/api/scans', { root: 'photos' });
  must(scan.status === 202, 'the scan answered ' + scan.status);
  const { id } = await scan.json();
  let job;
  for (let i = 0; i < 300; i++) {
    job = await (await call('/api/jobs/' + id)).json();
    if (['done', 'failed'].includes(job.state)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  must(job.state === 'done', 'the scan ended ' + job.state + ': ' + job.error);
  const trip = await (await call('/api/roots/photos/browse?path=2024/Trip')).json();
  const photo = trip.files.find((f) => f.name === 'IMG_0001.jpg');
  must(photo && photo.kind === 'photo' && photo.cameraMake === 'Canon' && photo.sha256, 'the photo was not catalogued with its metadata');
  const page = await fetch(base + '/');
  must(page.ok && (await page.text()).includes('<html'), 'the web UI is not served');
" || fail "the first-start flow (log: $log)"

say "the glacier CLI (docker compose exec app glacier …)"
cli roots list --json | grep -q '"label":"photos"' || fail "glacier roots list does not show the root"
cli backup >/dev/null || fail "glacier backup failed"
backup=$(ls "$data"/backups/catalog-*-manual-v*.sqlite)
if [[ $(id -u) -eq 0 ]]; then
  for written in "$data/catalog.sqlite" "$backup"; do
    [[ $(stat -c %u "$written") == 65534 ]] || fail "$written is not owned by PUID 65534"
  done
fi

say "docker stop (SIGTERM), then a restart on the same data"
stop_server
start_server
BASE=$base node --input-type=module -e "
  const base = process.env.BASE;
  const login = await fetch(base + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ password: 'a long enough password' }) });
  if (login.status !== 204) { console.error('login after restart: ' + login.status); process.exit(1); }
  const cookie = login.headers.getSetCookie()[0].split(';')[0];
  const roots = await (await fetch(base + '/api/roots', { headers: { cookie } })).json();
  const photos = roots.roots.find((r) => r.label === 'photos');
  if (!photos || photos.fileCount !== 2 || !photos.online) { console.error('after restart: ' + JSON.stringify(roots)); process.exit(1); }
" || fail "the restart lost something (log: $log)"
stop_server

[[ "$(snapshot)" == "$media_before" ]] || fail "something changed in the media folder"
if [[ $(id -u) -ne 0 ]]; then chmod -R u+w "$media_src"; fi

# ---------------------------------------------------------------------------- 5. compose
say "compose files against the compose-spec schema (check-jsonschema's vendor.compose-spec)"
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec \
  docker-compose.yml docker/compose.https.yml
"$venv/bin/python" - <<'PY' || fail "docker-compose.yml breaks a promise of the README"
import re, sys
from ruamel.yaml import YAML

# As docker compose reads it with no .env: each ${NAME:-default} becomes its default.
text = re.sub(r'\$\{(\w+)(?::?-([^}]*))?\}', lambda m: m.group(2) or '',
              open('docker-compose.yml').read())
compose = YAML(typ='safe').load(text)
app = compose['services']['app']
errors = []
volumes = app.get('volumes', [])
targets = {v.split(':')[1]: v for v in volumes}
if '/data' not in targets:
    errors.append('no volume for /data')
media = [v for t, v in targets.items() if t.startswith('/media/')]
if not media or any(not v.endswith(':ro') for v in media):
    errors.append('every media folder must be mounted read-only (:ro)')
if not any(t.startswith('/restore') for t in targets):
    errors.append('no restore/download folder')
if app.get('restart') != 'unless-stopped':
    errors.append('restart must be unless-stopped')
if 'CMD' not in app.get('healthcheck', {}).get('test', []):
    errors.append('no health check')
grace = re.fullmatch(r'(\d+)s', str(app.get('stop_grace_period', '')))
if not grace or int(grace.group(1)) < 25:
    errors.append('stop_grace_period must leave the server its 20 s to pause jobs')
limits = app.get('deploy', {}).get('resources', {}).get('limits', {})
if not limits.get('cpus') or not limits.get('memory'):
    errors.append('no CPU or memory limit')
env = app.get('environment', {})
for name in ('TZ', 'PUID', 'PGID', 'ADMIN_PASSWORD', 'GLACIER_TRUSTED_PROXY'):
    if name not in env:
        errors.append(f'{name} is not in the environment')
if any(str(p).split(':')[-1] != '8377' for p in app.get('ports', [])):
    errors.append('the container port is 8377')
if errors:
    sys.exit('\n'.join(errors))
PY

junit
printf '\ndocker-build-check: ok in %ss (image build steps, production install, first start, CLI, restart, read-only media, compose schema)\n' \
  "$((SECONDS - started))"
