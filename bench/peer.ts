/**
 * One benchmark process hosting board clients of one system, driven over IPC by run.ts. Kinds:
 *   meshboard   packages/sync connectBoard (the first client of a process may use WebRTC: y-webrtc allows one
 *               provider per board per process; further clients in the same process are relay-only)
 *   ywebsocket  y-websocket's WebsocketProvider against @y/websocket-server
 *   hocuspocus  @hocuspocus/provider against @hocuspocus/server
 * Latency = arrival time here minus the send time the author wrote into the document, both CLOCK_MONOTONIC
 * (process.hrtime), one clock for every process on Linux.
 */
delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
import WebSocket from 'ws';
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

const Y = await import('yjs');
type Doc = InstanceType<typeof Y.Doc>;
type Msg = { id: number; cmd: string; [key: string]: unknown };

const now = () => Number(process.hrtime.bigint()) / 1e6;

interface Client {
  doc: Doc;
  arrivals: Map<string, number>;
  stamped: Set<string>;
  ready(expectedPeers: number): boolean;
  held(): number;
  close(): Promise<void>;
}
const clients: Client[] = [];

function watch(doc: Doc, arrivals: Map<string, number>) {
  doc.getMap('m').observe((event) => {
    const t = now();
    for (const key of event.keysChanged) if (!arrivals.has(key)) arrivals.set(key, t);
  });
}

async function open(o: {
  kind: string; count: number; url: string; storeUrl?: string; boardId: string; token?: string; p2p?: boolean; maxDirectPeers?: number; name: string;
}) {
  for (let i = 0; i < o.count; i++) {
    const doc = new Y.Doc();
    const arrivals = new Map<string, number>();
    watch(doc, arrivals);
    const base = { doc, arrivals, stamped: new Set<string>() };
    if (o.kind === 'meshboard') {
      const { connectBoard } = await import('@meshboard/sync');
      const p2p = o.p2p !== false && i === 0;
      const wrtc = p2p ? ((await import('@roamhq/wrtc')) as { default: unknown }).default : undefined;
      const conn = connectBoard(o.boardId, o.token!, {
        signalingUrl: o.url,
        storeUrl: o.storeUrl!,
        user: { id: `${o.name}-${i}`, name: `${o.name}-${i}`, color: '#336699' },
        doc,
        ...(p2p ? { wrtc, iceServers: [] } : { disableP2P: true }),
        transports: ['websocket'],
        ...(o.maxDirectPeers ? { maxDirectPeers: o.maxDirectPeers } : {}),
      });
      await conn.whenSeeded();
      clients.push({
        ...base,
        ready: (n) => {
          const peers = conn.status().peers;
          return peers.length >= n && peers.every((p) => p.mode === 'p2p' || p.mode === 'relay');
        },
        held: () => conn.provider?.room?.webrtcConns.size ?? 0,
        close: () => conn.destroy(),
      });
    } else if (o.kind === 'ywebsocket') {
      const { WebsocketProvider } = await import('y-websocket');
      const provider = new WebsocketProvider(o.url, o.boardId, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
      clients.push({ ...base, ready: () => provider.synced, held: () => 0, close: async () => provider.destroy() });
    } else if (o.kind === 'hocuspocus') {
      const { HocuspocusProvider } = await import('@hocuspocus/provider');
      let synced = false;
      const provider = new HocuspocusProvider({ url: o.url, name: o.boardId, document: doc, WebSocketPolyfill: WebSocket as never, onSynced: () => (synced = true) } as never);
      clients.push({ ...base, ready: () => synced, held: () => 0, close: async () => provider.destroy() });
    } else throw new Error(`unknown kind ${o.kind}`);
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
    case 'close':
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      return { ok: true };
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

process.on('message', (msg: Msg) => {
  handle(msg).then(
    (result) => process.send?.({ id: msg.id, result }),
    (error: unknown) => process.send?.({ id: msg.id, error: String((error as Error)?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
