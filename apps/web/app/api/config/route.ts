import { connection } from 'next/server';
import { readRuntimeConfig } from '../../../src/lib/runtime-config';

/** The runtime config as JSON, for anything that is not rendered by a page (pages get it as a prop). */
export async function GET(): Promise<Response> {
  await connection();
  return Response.json(readRuntimeConfig(), { headers: { 'cache-control': 'no-store' } });
}
