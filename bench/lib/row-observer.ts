/**
 * Watches one document row of Hocuspocus's database extension in PostgreSQL from outside the server: polls the
 * row's version (xmin) every `everyMs` and, when it changed, reads the stored document and its clock for the
 * editor. A version is recorded when the poll that saw it returned, so durable times are late by at most one
 * poll interval plus the read. Reading another session's committed row never blocks or alters its writes.
 */
import pg from 'pg';
import * as Y from 'yjs';
import { now, sleep } from './util.js';

export interface RowVersion {
  at: number;
  bytes: number;
  /** the editor's clock in the stored document */
  clock: number;
}

/** the document's row if its version is not `seen` (the server creates the table before it listens) */
async function changedRow(client: pg.Client, documentName: string, seen: string | null): Promise<{ v: string; data: Buffer } | undefined> {
  const { rows } = await client.query<{ v: string; data: Buffer }>('SELECT xmin::text AS v, data FROM "documents" WHERE name = $1 AND xmin::text IS DISTINCT FROM $2', [
    documentName,
    seen,
  ]);
  return rows[0];
}

export function observeRow(databaseUrl: string, documentName: string, clientId: number, everyMs = 10) {
  const client = new pg.Client({ connectionString: databaseUrl });
  const versions: RowVersion[] = [];
  let stopped = false;
  let seen: string | null = null;
  let failure: unknown = null;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const row = await changedRow(client, documentName, seen);
      if (row) {
        seen = row.v;
        const clock = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(row.data)).get(clientId) ?? 0;
        versions.push({ at: now(), bytes: row.data.byteLength, clock });
      }
      await sleep(everyMs);
    }
  })()
    .catch((error: unknown) => (failure = error))
    .finally(() => client.end().catch(() => undefined));
  return {
    versions,
    latestClock: () => versions.at(-1)?.clock ?? -1,
    async stop() {
      stopped = true;
      await loop;
      if (failure) throw failure;
    },
  };
}
