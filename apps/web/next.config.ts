import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = path.dirname(fileURLToPath(import.meta.url));

const nextConfig: NextConfig = {
  // The Docker image ships the traced standalone server (its Dockerfile sets MESHBOARD_WEB_STANDALONE=1); trace
  // from the monorepo root so workspace packages (packages/*) are included. `npm start` runs `next start`, which
  // does not support standalone output, so a local build stays a normal one.
  output: process.env.MESHBOARD_WEB_STANDALONE === '1' ? 'standalone' : undefined,
  outputFileTracingRoot: path.join(here, '../..'),
  turbopack: { root: path.join(here, '../..') },
  // Workspace packages are transpiled by Turbopack automatically; listed so a webpack build does the same.
  transpilePackages: ['@meshboard/board', '@meshboard/canvas', '@meshboard/protocol', '@meshboard/sync'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
