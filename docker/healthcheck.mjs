#!/usr/bin/env node
/* global AbortSignal */
// The container's health check (Dockerfile HEALTHCHECK and the compose file): GET /api/health
// on the app's own port, with Node's fetch, so the image needs no curl.
const port = process.env.GLACIER_PORT || '8377';
const listen = process.env.GLACIER_HOST;
const host = !listen || listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
try {
  const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/api/health`, {
    signal: AbortSignal.timeout(4000),
  });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
