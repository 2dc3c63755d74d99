# syntax=docker/dockerfile:1
#
# Glacier Archiver: one image for linux/amd64 and linux/arm64 (many NAS boxes are ARM).
#   docker compose build                                            this machine's platform
#   docker buildx build --platform linux/amd64,linux/arm64 -t …  .  both
#
# buildx runs the build stage once per target platform, natively or under QEMU, so each
# platform installs its own native parts: better-sqlite3 is compiled there against that
# platform's Node headers, and pnpm picks sharp's prebuilt binary for it
# (@img/sharp-linux-x64 or @img/sharp-linux-arm64, from npm; the lockfile holds both).
# node_modules is never copied from one platform to another (.dockerignore keeps the host's out).
#
# scripts/docker-build-check.sh runs the build stage's script (docker/build-app.sh) and starts
# its result the way this image does, without Docker, in CI.

ARG NODE_MAJOR=20

# ---- build: install with the lockfile, compile, then a production-only deploy into /app ----
FROM node:${NODE_MAJOR}-bookworm AS build
# The full node image has what node-gyp needs (python3, make, g++) and Node's headers in
# /usr/local/include/node, where docker/build-app.sh points npm_config_nodedir.
RUN npm install -g pnpm@12.4.2 && npm cache clean --force
ENV CI=true NEXT_TELEMETRY_DISABLED=1 npm_config_update_notifier=false
WORKDIR /src
# Manifests first: the dependency install is cached until they change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN npm_config_nodedir=/usr/local npm_config_build_from_source=better-sqlite3 \
    pnpm install --frozen-lockfile
COPY . .
RUN bash docker/build-app.sh /app

# ---- runtime: slim Debian, the media tools, the app, no compilers ----
FROM node:${NODE_MAJOR}-bookworm-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Glacier Archiver" \
      org.opencontainers.image.description="Catalogs, summarises and archives a NAS's photos and videos into S3 cold storage (Glacier, Deep Archive), and gets them back." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/node:${NODE_MAJOR}-bookworm-slim"

# ffmpeg/ffprobe: video metadata and frames. perl: exiftool (exiftool-vendored.pl runs it).
# libheif-examples + heif-thumbnailer: HEIC, which sharp's libvips cannot decode. DejaVu: the
# contact sheets' labels. tini: PID 1 that forwards docker stop's SIGTERM and reaps children.
# setpriv (util-linux) and usermod/groupmod (passwd) are already in the base image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ffmpeg perl libheif-examples heif-thumbnailer fonts-dejavu-core tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The app's account: the node image's `node` account (uid and gid 1000) renamed `glacier`. The
# entrypoint moves it to PUID/PGID at start.
RUN groupmod --new-name glacier node \
 && usermod --login glacier --home /home/glacier --move-home --shell /usr/sbin/nologin node \
 && mkdir -p /data /media /restore \
 && chown glacier:glacier /data /restore

COPY --from=build /app /app
COPY docker/glacier-entrypoint docker/glacier /usr/local/bin/
COPY docker/healthcheck.mjs /usr/local/bin/glacier-healthcheck
RUN chmod 0755 /usr/local/bin/glacier-entrypoint /usr/local/bin/glacier \
      /usr/local/bin/glacier-healthcheck

ENV NODE_ENV=production \
    GLACIER_DATA_DIR=/data \
    GLACIER_WEB_DIR=/app/web \
    GLACIER_PORT=8377 \
    GLACIER_USER=glacier \
    GLACIER_WRITABLE_DIRS=/restore
WORKDIR /app
VOLUME ["/data"]
EXPOSE 8377
# The server pauses running jobs on SIGTERM and exits within 20 s (compose: stop_grace_period).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["glacier-healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/glacier-entrypoint"]
CMD ["node", "/app/dist/main.js"]
