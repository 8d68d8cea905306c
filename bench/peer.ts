/**
 * One benchmark process hosting board clients of one system, driven over IPC by run.ts. Kinds:
 *   meshboard   packages/sync connectBoard (the first client of a process may use WebRTC: y-webrtc allows one
 *               provider per board per process; further clients in the same process are relay-only)
 *   ywebsocket  y-websocket's WebsocketProvider against @y/websocket-server
 *   hocuspocus  @hocuspocus/provider against @hocuspocus/server
 * Latency = arrival time here minus the send time the author wrote into the document, both CLOCK_MONOTONIC
 * (process.hrtime), one clock for every process on Linux. The cursor storm (lib/cursor-load.ts) and the join
 * timing (lib/join-load.ts) run here too; a process hosts one system at a time and is reused after `close`.
 */
delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
import WebSocket from 'ws';
import { serveCommands } from './lib/command-child.js';
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

const Y = await import('yjs');
const { openClient } = await import('./lib/clients.js');
type BenchClient = Awaited<ReturnType<typeof openClient>>;
type Doc = InstanceType<typeof Y.Doc>;
type Msg = { id: number; cmd: string; [key: string]: unknown };

const now = () => Number(process.hrtime.bigint()) / 1e6;

interface Client extends BenchClient {
  arrivals: Map<string, number>;
  stamped: Set<string>;
}
let clients: Client[] = [];

function watch(doc: Doc, arrivals: Map<string, number>) {
  doc.getMap('m').observe((event) => {
    const t = now();
    for (const key of event.keysChanged) if (!arrivals.has(key)) arrivals.set(key, t);
  });
}

/** `count` clients of one board; may be called again for further boards (the cursor storm hosts several) */
async function open(o: Parameters<typeof openClient>[0] & { count: number }) {
  for (let i = 0; i < o.count; i++) {
    const doc = new Y.Doc();
    const arrivals = new Map<string, number>();
    watch(doc, arrivals);
    const client = await openClient({ ...o, name: `${o.name}-${clients.length}`, p2p: o.p2p !== false && i === 0 }, doc);
    clients.push({ ...client, arrivals, stamped: new Set<string>() });
  }
  return { clients: clients.length };
}

async function handle(msg: Msg): Promise<unknown> {
  switch (msg.cmd) {
    case 'open':
      return open(msg as never);
    case 'ready': {
      const until = now() + ((msg.timeoutMs as number | undefined) ?? 60_000);
      while (!clients.every((c) => c.ready(msg.peers as number))) {
        if (now() > until) return { ready: false };
        await new Promise((r) => setTimeout(r, 20));
      }
      return { ready: true };
    }
    case 'stamp': {
      const c = clients[msg.client as number]!;
      const key = msg.key as string;
      c.stamped.add(key);
      c.doc.getMap('m').set(key, now());
      return { ok: true };
    }
    case 'samples': {
      const prefix = msg.prefix as string;
      const out: Array<[number, number]> = [];
      for (const c of clients) {
        for (const [key, arrivedAt] of c.arrivals) {
          if (!key.startsWith(prefix) || c.stamped.has(key)) continue;
          const sentAt = c.doc.getMap('m').get(key);
          if (typeof sentAt === 'number') out.push([sentAt, arrivedAt]);
        }
      }
      return out;
    }
    case 'held':
      return clients.map((c) => c.held());
    case 'cursorsReady': {
      const { cursorsReady } = await import('./lib/cursor-load.js');
      return cursorsReady(clients, msg as never);
    }
    case 'cursors': {
      const { cursorStorm } = await import('./lib/cursor-load.js');
      return cursorStorm(clients, msg as never);
    }
    case 'seed': {
      const { seedBoard } = await import('./lib/join-load.js');
      return seedBoard(msg as never);
    }
    case 'join': {
      const { timeJoin } = await import('./lib/join-load.js');
      return timeJoin(msg as never);
    }
    case 'close': {
      // every client of this process; the process stays up for the next system
      const closing = clients;
      clients = [];
      await Promise.all(closing.map((c) => c.close().catch(() => undefined)));
      return { ok: true };
    }
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

serveCommands(handle);
