import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { toMeshboardError } from '../src/http/errors.js';
import { PG_ADMIN_URL } from './helpers.js';

// The store's answer when PostgreSQL is saturated: node-postgres' pool gives up waiting for a free connection.
// That is "retry later" (503 + Retry-After), never 500 `internal`: a real pool on the machine's PostgreSQL with
// its only connection held, asked for a second one.
describe('database saturation maps to 503 unavailable', () => {
  const pool = new pg.Pool({ connectionString: PG_ADMIN_URL, max: 1, connectionTimeoutMillis: 200 });
  afterAll(async () => {
    await pool.end();
  });

  it('a pool timeout is unavailable; an unknown error stays internal', async () => {
    const held = await pool.connect();
    try {
      const error = await pool.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      const mapped = toMeshboardError(error);
      expect(mapped.code).toBe('unavailable');
      expect(mapped.status).toBe(503);
    } finally {
      held.release();
    }
    expect(toMeshboardError(new Error('something else broke')).code).toBe('internal');
  });
});
