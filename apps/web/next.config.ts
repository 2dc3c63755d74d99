import type { NextConfig } from 'next';

/**
 * The UI is a static export served by the Fastify server at `/` on the same origin as `/api`.
 * No Next.js server runs in production: every page is a client component that talks to the API.
 */
const nextConfig: NextConfig = {
  output: 'export',
  images: { unoptimized: true },
  trailingSlash: true,
  reactStrictMode: true,
  poweredByHeader: false,
};

export default nextConfig;
