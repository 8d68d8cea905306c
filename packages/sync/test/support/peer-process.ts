/**
 * One board peer in its own process (y-webrtc allows one provider per board per process; real WebRTC
 * through @roamhq/wrtc), driven over IPC by the tests of this package: connect, edit the board the way the
 * app does (packages/board), write big updates, cut and heal its data channels, report state.
 */
// y-webrtc would sync same-process peers over BroadcastChannel and keep the process alive: remove it first.
delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
import WebSocket from 'ws';
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

import { createHash } from 'node:crypto';

type Msg = { id: number; cmd: string; [key: string]: unknown };

const wrtc = ((await import('@roamhq/wrtc')) as { default: unknown }).default;
const Y = await import('yjs');
const { Board } = await import('@meshboard/board');
const { connectBoard } = await import('../../src/index.js');
const { framingStats } = await import('../../src/DataChannelFraming.js');
const { BoardEditor } = await import('./board-editor.js');

let doc = new Y.Doc();
let connection: ReturnType<typeof connectBoard> | null = null;
let editor: InstanceType<typeof BoardEditor> | null = null;
/** while set, every WebRTC connection is closed as soon as y-webrtc opens it (a peer whose data channels are cut) */
let p2pCut = false;
let cutTimer: ReturnType<typeof setInterval> | null = null;

function conns() {
  const room = connection?.provider?.room;
  return room ? [...room.webrtcConns.entries()].map(([peerId, c]) => ({ peerId, connected: c.connected })) : [];
}

async function handle(msg: Msg): Promise<unknown> {
  switch (msg.cmd) {
    case 'connect': {
      const o = msg as unknown as {
        boardId: string; token: string; signalingUrl: string; storeUrl: string; name: string; seed?: number;
        p2pDeadlineMs?: number; antiEntropyIntervalMs?: number; disableP2P?: boolean; wait?: boolean;
      };
      doc = new Y.Doc();
      connection = connectBoard(o.boardId, o.token, {
        signalingUrl: o.signalingUrl,
        storeUrl: o.storeUrl,
        user: { id: o.name, name: o.name, color: '#123456' },
        doc,
        wrtc,
        iceServers: [],
        transports: ['websocket'],
        ...(o.p2pDeadlineMs ? { p2pDeadlineMs: o.p2pDeadlineMs } : {}),
        ...(o.antiEntropyIntervalMs ? { antiEntropyIntervalMs: o.antiEntropyIntervalMs } : {}),
        ...(o.disableP2P ? { disableP2P: true } : {}),
      });
      editor = new BoardEditor(new Board(doc, { userId: o.name }), o.seed ?? 1);
      if (o.wait === false) return { ok: true };
      try {
        await connection.whenSeeded();
        return { seeded: true };
      } catch (error) {
        return { seeded: false, error: (error as Error).message };
      }
    }
    case 'edits':
      return editor!.randomEdits(msg.count as number);
    case 'paste':
      return { ids: editor!.paste(msg.count as number) };
    case 'big': {
      // one update of about `bytes` bytes (a base64 string in the doc's "m" map)
      const raw = new Uint8Array(Math.ceil(((msg.bytes as number) * 3) / 4));
      for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, Math.min(i + 65536, raw.length)));
      const text = Buffer.from(raw).toString('base64');
      doc.getMap('m').set(msg.key as string, text);
      return { length: text.length };
    }
    case 'state': {
      const board = new Board(doc, { userId: 'reader' });
      const shapes = board.listShapes();
      const m = doc.getMap('m');
      const result = {
        shapeCount: shapes.length,
        digest: msg.full ? createHash('sha256').update(JSON.stringify(shapes.map((s) => ({ ...s })).sort((a, b) => (a.id < b.id ? -1 : 1)))).digest('hex') : '',
        // sorted: a Y.Map iterates in local insertion order, which differs with arrival order
        keys: Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, typeof v === 'string' ? v.length : v])),
        status: connection?.status() ?? null,
        conns: conns(),
        framing: { ...framingStats },
        stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
      };
      board.destroy();
      return result;
    }
    case 'cutP2P': {
      p2pCut = true;
      const close = () => {
        for (const c of connection?.provider?.room?.webrtcConns.values() ?? []) c.destroy();
      };
      close();
      cutTimer ??= setInterval(() => p2pCut && close(), 50);
      return { ok: true };
    }
    case 'healP2P':
      p2pCut = false;
      if (cutTimer) clearInterval(cutTimer);
      cutTimer = null;
      return { ok: true };
    case 'flush':
      await connection?.flush();
      return { ok: true };
    case 'destroy':
      if (cutTimer) clearInterval(cutTimer);
      cutTimer = null;
      p2pCut = false;
      await connection?.destroy();
      connection = null;
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
