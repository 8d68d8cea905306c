// @hocuspocus/server with its database extension (@hocuspocus/extension-database) storing documents in
// PostgreSQL (DATABASE_URL), as its documentation sets it up: `fetch` reads the document's row, `store` upserts
// the whole encoded document (the extension passes Y.encodeStateAsUpdate as `state`). Same table and upsert as
// @hocuspocus/extension-sqlite's. The server's store settings (debounce 2 s, maxDebounce 10 s) are its defaults.
import { Database } from '@hocuspocus/extension-database';
import { Server } from '@hocuspocus/server';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
await pool.query('CREATE TABLE IF NOT EXISTS "documents" ("name" varchar(255) NOT NULL, "data" bytea NOT NULL, UNIQUE(name))');

const server = new Server({
  port: Number(process.env.PORT),
  address: '127.0.0.1',
  quiet: true,
  extensions: [
    new Database({
      fetch: async ({ documentName }) => (await pool.query('SELECT data FROM "documents" WHERE name = $1', [documentName])).rows[0]?.data ?? null,
      store: async ({ documentName, state }) => {
        await pool.query('INSERT INTO "documents" ("name", "data") VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = $2', [documentName, state]);
      },
    }),
  ],
});
await server.listen();
console.log(`hocuspocus (database extension, PostgreSQL) listening on ${process.env.PORT}`);
