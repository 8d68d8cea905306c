import { Buffer } from 'node:buffer';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Fast `bytea` text conversion for PGlite, which is the embedded database `npm start` uses.
 *
 * PGlite (0.5) writes a bytea parameter as `'\\x' + Array.from(bytes).map(toHex).join('')` and the Prisma
 * adapter (pglite-prisma-adapter 0.7) reads one back with a `parseInt` per byte. Both run on the store's only
 * thread: a 9 MB snapshot held the event loop for ~10 s (profiled: PGlite's `serialize` 10 s, the adapter's
 * `parsePgBytes` 3.3 s), long enough for Node to cut the next request on a kept-alive connection and for every
 * other board's request to wait. Node's own hex codec does the same work in milliseconds.
 *
 * PGlite takes serializers and parsers per query (they win over its defaults), so this wraps the instance the
 * adapter sees, and each transaction it opens, and adds ours to every query. PostgreSQL (node-postgres) sends
 * and parses bytea itself and is not affected.
 */
const BYTEA_OID = 17;

export function serializeBytea(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
}

export function parseBytea(text: string): Uint8Array {
  // PostgreSQL's text output of bytea is hex (`\x...`) with the default `bytea_output`
  const bytes = Buffer.from(text.slice(2), 'hex');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type QueryOptions = { parsers?: Record<number, unknown>; serializers?: Record<number, unknown> } & Record<string, unknown>;
interface Queryable {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<unknown>;
}

function withBytea(options: QueryOptions | undefined): QueryOptions {
  return {
    ...options,
    parsers: { ...options?.parsers, [BYTEA_OID]: parseBytea },
    serializers: { ...options?.serializers, [BYTEA_OID]: serializeBytea },
  };
}

function wrap<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property) {
      if (property === 'query') {
        return (sql: string, params?: unknown[], options?: QueryOptions) => (object as unknown as Queryable).query(sql, params, withBytea(options));
      }
      if (property === 'transaction') {
        const transaction = (object as unknown as { transaction: (fn: (tx: object) => Promise<unknown>) => Promise<unknown> }).transaction;
        return (fn: (tx: object) => Promise<unknown>) => transaction.call(object, (tx) => fn(wrap(tx)));
      }
      // PGlite keeps its state in private fields: its methods and getters must run on the instance itself
      const value = Reflect.get(object, property, object) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/** The PGlite instance as the Prisma adapter should see it: the same database, fast bytea both ways. */
export function withFastBytea(pglite: PGlite): PGlite {
  return wrap(pglite);
}
