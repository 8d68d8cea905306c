import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = path.dirname(fileURLToPath(import.meta.url));

const nextConfig: NextConfig = {
  // The Docker image ships the traced standalone server; trace from the monorepo root so workspace packages
  // (packages/*) are included.
  output: 'standalone',
  outputFileTracingRoot: path.join(here, '../..'),
  turbopack: { root: path.join(here, '../..') },
  // Workspace packages are transpiled by Turbopack automatically; listed so a webpack build does the same.
  transpilePackages: ['@meshboard/board', '@meshboard/canvas', '@meshboard/protocol', '@meshboard/sync'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
