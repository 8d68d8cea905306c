/**
 * A throw-away database in the local PostgreSQL cluster (trust auth on loopback; same variable as
 * apps/persistence's tests), created and dropped with the `psql` client, so no driver is needed here.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TempDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function tempDatabase(admin = process.env.MESHBOARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'): Promise<TempDatabase | null> {
  const name = `meshboard_sync_${randomBytes(6).toString('hex')}`;
  try {
    await run('psql', [admin, '-qtAc', `create database ${name}`], { timeout: 15_000 });
  } catch {
    return null; // no cluster (or no psql) here: the caller falls back to PGlite
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await run('psql', [admin, '-qtAc', `drop database if exists ${name} with (force)`], { timeout: 15_000 }).catch(() => undefined);
    },
  };
}
