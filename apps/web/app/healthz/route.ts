import { connection } from 'next/server';

const startedAt = Date.now();

/** Liveness for compose / the e2e harness. Rendered per request, never prerendered. */
export async function GET(): Promise<Response> {
  await connection();
  return Response.json(
    {
      status: 'ok',
      service: 'web',
      version: process.env.npm_package_version ?? '0.1.0',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    },
    { headers: { 'cache-control': 'no-store' } },
  );
}
