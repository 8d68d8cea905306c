import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBytea, serializeBytea, withFastBytea } from '../src/db/pglite-bytea.js';

// The fast bytea codec must give PGlite exactly the bytes PostgreSQL's own text form holds, both ways, in plain
// queries and inside transactions (the Prisma adapter runs its interactive transactions through `transaction`).
describe('PGlite bytea codec', () => {
  let raw: PGlite;
  let db: PGlite;
  beforeAll(async () => {
    raw = await PGlite.create();
    db = withFastBytea(raw);
    await db.exec('CREATE TABLE blobs (id int PRIMARY KEY, data bytea NOT NULL)');
  });
  afterAll(async () => {
    await raw.close();
  });

  it('matches PostgreSQL text form for edge values', () => {
    expect(serializeBytea(new Uint8Array([]))).toBe('\\x');
    expect(serializeBytea(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('\\x0001abff');
    // a view into a bigger buffer: only the viewed bytes
    const big = new Uint8Array([9, 9, 1, 2, 9]);
    expect(serializeBytea(big.subarray(2, 4))).toBe('\\x0102');
    expect([...parseBytea('\\x0001abff')]).toEqual([0, 1, 0xab, 0xff]);
    expect(() => serializeBytea('not bytes')).toThrow(/bytea/);
  });

  it('writes and reads back 8 MB unchanged, also inside a transaction', async () => {
    const value = new Uint8Array(randomBytes(8 * 1024 * 1024));
    await db.query('INSERT INTO blobs (id, data) VALUES ($1, $2)', [1, value]);
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO blobs (id, data) VALUES ($1, $2)', [2, value.subarray(3, 1003)]);
    });
    const rows = (await db.query<{ id: number; data: Uint8Array }>('SELECT id, data FROM blobs ORDER BY id')).rows;
    expect(rows[0]!.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(rows[0]!.data), Buffer.from(value))).toBe(0);
    expect(Buffer.compare(Buffer.from(rows[1]!.data), Buffer.from(value.subarray(3, 1003)))).toBe(0);
    // what PGlite's own codec reads from the same row: the same bytes
    const plain = (await raw.query<{ data: Uint8Array }>('SELECT data FROM blobs WHERE id = 2')).rows[0]!.data;
    expect([...plain]).toEqual([...value.subarray(3, 1003)]);
    // the wrapped instance still reports the instance's own state
    expect(db.closed).toBe(false);
  });
});
