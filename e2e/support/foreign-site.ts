import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A second web site on this machine: a blank page on another 127.0.0.1 port, as another app on
 * the NAS (or a page a user was lured to) would be. A real server, not a routed URL: Chromium's
 * local network access checks stop a page without a loopback address from reaching the app's
 * port, and such a page would then prove nothing about the app.
 */
export async function startForeignSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
