/**
 * Idle cost of y-websocket's server (@y/websocket-server's bin, in memory, no persistence), measured like the
 * other idle rows (apps/signaling/bench/idle-memory.ts: RSS of a fresh server process after a forced full GC,
 * from 1 to N and from N/2 to N connections). Each client is y-websocket's own WebsocketProvider joined to a
 * board (10 per board, like Meshboard's rows), counted once the server's document has synced to it; its
 * awareness renews every 15 s as a real idle tab's does. The clients live in this process.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { inspectEnv, measureIdle, type IdleResult } from '../../apps/signaling/bench/idle-memory.js';
import { yWebsocketServer } from '../lib/servers.js';
import { freePort } from '../lib/util.js';

export async function yWebsocketIdle(n: number): Promise<IdleResult> {
  const inspect = await freePort();
  const server = await yWebsocketServer(inspectEnv(inspect));
  // in Node every WebsocketProvider adds a process 'exit' listener
  const maxListeners = process.getMaxListeners();
  process.setMaxListeners(n + 20);
  try {
    return await measureIdle(server.pid, inspect, n, (i) => {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(server.url, i < 0 ? 'idle-warm-up' : `idle-${Math.floor(i / 10)}`, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
      return new Promise<() => void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`y-websocket client ${i} not synced after 30 s`)), 30_000);
        provider.once('sync', () => {
          clearTimeout(timer);
          resolve(() => {
            provider.destroy();
            doc.destroy();
          });
        });
      });
    });
  } finally {
    process.setMaxListeners(maxListeners);
    await server.stop();
  }
}
