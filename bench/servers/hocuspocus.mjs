// @hocuspocus/server as its README starts it: no extensions (latency rows), PORT from the environment.
// HOCUSPOCUS_MEMORY_STORE=1 (join rows): documents kept between connections through the onLoadDocument /
// onStoreDocument hooks, what its database extension does with a table, here with a Map. Without a store
// Hocuspocus unloads a document when its last client leaves, and a board nobody is on would be empty.
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const stored = new Map();
const store =
  process.env.HOCUSPOCUS_MEMORY_STORE === '1'
    ? {
        async onLoadDocument({ document, documentName }) {
          const state = stored.get(documentName);
          if (state) Y.applyUpdate(document, state);
        },
        async onStoreDocument({ document, documentName }) {
          stored.set(documentName, Y.encodeStateAsUpdate(document));
        },
      }
    : {};

const server = new Server({ port: Number(process.env.PORT), address: '127.0.0.1', quiet: true, ...store });
await server.listen();
console.log(`hocuspocus listening on ${process.env.PORT}`);
