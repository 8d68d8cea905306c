// The browser side of p2p.browser.test.ts: packages/sync and packages/board bundled for Chromium, driven by
// the test through `window.meshboardSync`.
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { connectBoard, type BoardConnection } from '../../src/index.js';
import { framingStats } from '../../src/DataChannelFraming.js';

let connection: BoardConnection | null = null;
let board: Board | null = null;
let prepared = '';
const arrivals: { paste?: number; big?: number } = {};

const api = {
  connect(o: { boardId: string; token: string; signalingUrl: string; storeUrl: string; name: string }) {
    const doc = new Y.Doc();
    connection = connectBoard(o.boardId, o.token, {
      signalingUrl: o.signalingUrl,
      storeUrl: o.storeUrl,
      user: { id: o.name, name: o.name, color: '#336699' },
      doc,
      antiEntropyIntervalMs: 1000,
    });
    board = new Board(doc, { userId: o.name });
    board.observe(() => {
      if (board!.size >= 2000) arrivals.paste ??= Date.now();
    });
    doc.getMap('m').observe(() => {
      arrivals.big ??= Date.now();
    });
    return connection.whenSeeded().then(() => true);
  },
  modes: () => connection?.status().peers.map((p) => p.mode) ?? [],
  /** a paste of `count` shapes (one transaction, as the app's paste) */
  paste(count: number) {
    board!.addShapes(Array.from({ length: count }, (_, i) => ({ type: 'rectangle' as const, x: (i % 50) * 30, y: Math.floor(i / 50) * 30, w: 20, h: 20 })));
  },
  /** prepares (not timed) the text of one update of about `bytes` bytes */
  prepareBig(bytes: number) {
    const raw = new Uint8Array(Math.ceil((bytes * 3) / 4));
    for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, Math.min(i + 65536, raw.length)));
    let text = '';
    for (let i = 0; i < raw.length; i += 32768) text += btoa(String.fromCharCode(...raw.subarray(i, i + 32768)));
    prepared = text.slice(0, bytes);
  },
  /** writes the prepared text: one update of that size; returns when it was written (ms since epoch) */
  big() {
    connection!.doc.getMap('m').set('big', prepared);
    return Date.now();
  },
  /** when the paste and the big update arrived here (ms since epoch) */
  arrivals: () => ({ ...arrivals }),
  seen: () => ({ shapes: board?.size ?? 0, big: (connection?.doc.getMap('m').get('big') as string | undefined)?.length ?? 0 }),
  store: () => connection?.status().store,
  framing: () => ({ ...framingStats }),
};
(window as unknown as { meshboardSync: typeof api }).meshboardSync = api;
