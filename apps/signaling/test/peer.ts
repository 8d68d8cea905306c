/**
 * A real board peer in its own process (y-webrtc needs one process per peer in Node), driven over IPC by
 * tests and the benchmark. mode 'sync' = packages/sync connectBoard; mode 'stock' = an unmodified y-webrtc
 * WebrtcProvider talking to the stock endpoint ws://host/y-webrtc?token=...
 */
// y-webrtc would sync same-process peers over BroadcastChannel and keep the process alive: remove it first.
delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
import WebSocket from 'ws';
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

type Msg = { id: number; cmd: string; [key: string]: unknown };

const wrtc = ((await import('@roamhq/wrtc')) as { default: unknown }).default;
const Y = await import('yjs');
const { connectBoard } = await import('@meshboard/sync');
const { WebrtcProvider } = await import('y-webrtc');

let doc = new Y.Doc();
let connection: ReturnType<typeof connectBoard> | null = null;
let stock: InstanceType<typeof WebrtcProvider> | null = null;
const arrivals: Record<string, number> = {};
// CLOCK_MONOTONIC is system-wide on Linux: timestamps compare across processes (benchmark latencies)
const now = () => Number(process.hrtime.bigint()) / 1e6;
let connectStartedAt = 0;
const stamped = new Set<string>();
/** benchmark baseline: a bare Socket.IO client of a broadcast echo server */
let bare: { close(): void; emit(event: string, ...args: unknown[]): void } | null = null;
const bareSamples: Array<[key: string, sentAt: number, arrivedAt: number]> = [];

function watch(d: InstanceType<typeof Y.Doc>) {
  d.getMap('m').observe((event) => {
    const t = now();
    for (const key of event.keysChanged) if (!(key in arrivals)) arrivals[key] = t;
  });
}
watch(doc);

function webrtc() {
  const provider = connection?.provider ?? stock;
  const room = provider?.room;
  if (!room) return { peerId: null, conns: [], signaling: false };
  return {
    peerId: room.peerId,
    conns: [...room.webrtcConns.entries()].map(([peerId, c]) => ({ peerId, connected: c.connected })),
    /** a signaling connection is open */
    signaling: (provider.signalingConns as Array<{ connected: boolean }>).some((c) => c.connected),
  };
}

async function handle(msg: Msg): Promise<unknown> {
  switch (msg.cmd) {
    case 'connect': {
      const o = msg as unknown as {
        boardId: string; token: string; signalingUrl: string; storeUrl: string; name: string;
        rtcConfiguration?: Record<string, unknown>; p2pDeadlineMs?: number; transports?: Array<'polling' | 'websocket'>;
        disableP2P?: boolean; maxDirectPeers?: number;
      };
      connectStartedAt = now();
      connection = connectBoard(o.boardId, o.token, {
        signalingUrl: o.signalingUrl,
        storeUrl: o.storeUrl,
        user: { id: o.name, name: o.name, color: '#123456' },
        doc,
        wrtc,
        iceServers: [],
        ...(o.rtcConfiguration ? { rtcConfiguration: o.rtcConfiguration as never } : {}),
        ...(o.p2pDeadlineMs ? { p2pDeadlineMs: o.p2pDeadlineMs } : {}),
        ...(o.transports ? { transports: o.transports } : {}),
        ...(o.disableP2P ? { disableP2P: true } : {}),
        ...(o.maxDirectPeers ? { maxDirectPeers: o.maxDirectPeers } : {}),
      });
      try {
        await connection.whenSeeded();
        return { seeded: true, role: connection.role, seededMs: now() - connectStartedAt };
      } catch (error) {
        return { seeded: false, error: { code: (error as { code?: string }).code, message: (error as Error).message } };
      }
    }
    case 'stock': {
      const o = msg as unknown as { boardId: string; url: string };
      connectStartedAt = now();
      stock = new WebrtcProvider(o.boardId, doc, { signaling: [o.url], peerOpts: { wrtc, config: { iceServers: [] } } });
      return { ok: true };
    }
    case 'waitMesh': {
      // benchmark: ms from connect/stock until `n` WebRTC connections are open (and, for connectBoard,
      // status() reports n peers in p2p), measured in this process
      const n = msg.n as number;
      const until = now() + ((msg.timeoutMs as number | undefined) ?? 30_000);
      const done = () => {
        if (webrtc().conns.filter((c) => c.connected).length < n) return false;
        if (!connection) return true;
        const peers = connection.status().peers;
        return peers.length >= n && peers.every((p) => p.mode === 'p2p');
      };
      while (!done()) {
        if (now() > until) throw new Error(`no mesh of ${n} in time`);
        await new Promise((r) => setTimeout(r, 2));
      }
      return { ms: now() - connectStartedAt };
    }
    case 'bare': {
      // benchmark baseline: join a room of a bare Socket.IO broadcast server; record what arrives
      const { io } = await import('socket.io-client');
      const socket = io(msg.url as string, { transports: ['websocket'], forceNew: true });
      socket.on('m', (key: string, sentAt: number) => bareSamples.push([key, sentAt, now()]));
      socket.on('b', (key: string, sentAt: number, _payload: unknown) => bareSamples.push([key, sentAt, now()]));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => socket.emit('join', msg.room, () => resolve()));
        socket.once('connect_error', reject);
      });
      bare = socket;
      return { ok: true };
    }
    case 'bareSend':
      // with a binary payload the size of a small Yjs update, as a Socket.IO relay of Yjs frames would send
      bare?.emit('b', msg.key, now(), new Uint8Array(40));
      return { ok: true };
    case 'samples': {
      // [key, sentAt, arrivedAt] for every stamped key that arrived here from another peer
      const fromDoc: Array<[string, number, number]> = [];
      for (const [key, arrivedAt] of Object.entries(arrivals)) {
        const sentAt = doc.getMap('m').get(key);
        if (typeof sentAt === 'number' && !stamped.has(key)) fromDoc.push([key, sentAt, arrivedAt]);
      }
      return [...fromDoc, ...bareSamples];
    }
    case 'set':
      doc.getMap('m').set(msg.key as string, msg.value);
      return { ok: true };
    case 'stamp': {
      // benchmark: write a key whose value is the send time
      const key = msg.key as string;
      stamped.add(key);
      doc.getMap('m').set(key, now());
      return { ok: true };
    }
    case 'arrivals':
      return arrivals;
    case 'state':
      return {
        map: Object.fromEntries([...doc.getMap('m').entries()].map(([k, v]) => [k, typeof v === 'string' && v.length > 64 ? `len:${v.length}` : v])),
        status: connection?.status() ?? null,
        webrtc: webrtc(),
        clientId: doc.clientID,
        memory: process.memoryUsage().rss,
      };
    case 'flush':
      await connection?.flush();
      return { ok: true };
    case 'cursor':
      connection?.setCursor(msg.point as { x: number; y: number });
      return { ok: true };
    case 'awareness':
      return connection ? [...connection.awareness.getStates().entries()].map(([id, s]) => ({ id, ...s })) : [];
    case 'destroy':
      await connection?.destroy();
      stock?.destroy();
      bare?.close();
      doc.destroy();
      doc = new Y.Doc();
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
