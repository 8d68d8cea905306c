/**
 * The editor process of the persistence scenario, driven over IPC by run.ts (lib/peers.ts PeerProcess). It
 * makes `count` edits (lib/edits.ts) before the clock starts, then hands them to the system's client as a
 * steady stream of `rate` edits per second; each client sends them its own way:
 *   meshboard   packages/sync's DurableUploader, given each update as connectBoard gives it a tab's own edit
 *               (queued, batched for 100 ms, merged with Y.mergeUpdates while one request is in flight) over StoreClient's
 *               POST /v1/boards/:id/updates; an answer means committed (durable). Records every ack's state
 *               vector.
 *   hocuspocus  @hocuspocus/provider, each update applied to its document (the provider sends what the document
 *               emits: the same bytes); records the server's SyncStatus answer per update (applied in the
 *               server's memory, not stored). Stays connected until `close`, so that disconnecting (which
 *               makes Hocuspocus store at once) does not cut its debounce short.
 * Times are CLOCK_MONOTONIC (process.hrtime), one clock for every process on Linux.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { DurableUploader } from '../packages/sync/src/DurableUploader.js';
import { StoreClient } from '../packages/sync/src/store-client.js';
import { EDITOR_CLIENT_ID, prepareEdits } from './lib/edits.js';
import { serveCommands } from './lib/command-child.js';

type Msg = { id: number; cmd: string; [key: string]: unknown };
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WriterResult {
  /** when edit i was made */
  madeAt: number[];
  /** the editor's Yjs clock after edit i (a store whose state vector reaches it has edit i) */
  clock: number[];
  /** Meshboard: [time, the editor's clock in the acknowledged state vector] per answered append */
  acks: Array<[number, number]>;
  /** Hocuspocus: when the server's SyncStatus for edit i arrived (in memory, not durable) */
  serverAckAt: number[];
  /** Meshboard: HTTP appends sent and their body bytes; failed appends (retried) */
  requests: number;
  requestBytes: number;
  failures: number;
  /** sum of the edits' own update sizes */
  updateBytes: number;
  /** how long handing every edit to the client took */
  handOverSeconds: number;
  /** Y.encodeStateAsUpdate of the editor's document at the end, base64 */
  state: string;
}

let closeProvider: (() => void) | null = null;

/**
 * Edits made now (untimed), then handed to `send` as a steady stream of `rate` per second (checked every 2 ms);
 * fills madeAt, clock, updateBytes, state.
 */
async function handOver(count: number, rate: number, result: WriterResult, send: (update: Uint8Array) => void): Promise<void> {
  const edits = prepareEdits(count);
  result.clock = edits.clock;
  result.updateBytes = edits.updates.reduce((sum, u) => sum + u.byteLength, 0);
  result.state = Buffer.from(edits.state).toString('base64');
  const start = now();
  for (let i = 0; i < count; await sleep(2)) {
    const due = Math.min(count, Math.floor(((now() - start) / 1000) * rate) + 1);
    for (; i < due; i++) {
      result.madeAt.push(now());
      send(edits.updates[i]!);
    }
  }
  result.handOverSeconds = (now() - start) / 1000;
}

const emptyResult = (): WriterResult => ({ madeAt: [], clock: [], acks: [], serverAckAt: [], requests: 0, requestBytes: 0, failures: 0, updateBytes: 0, handOverSeconds: 0, state: '' });

async function meshboard(o: { storeUrl: string; boardId: string; token: string; count: number; rate: number; timeoutMs: number }): Promise<WriterResult> {
  const result = emptyResult();
  const store = new StoreClient(o.storeUrl);
  let fatal: string | null = null;
  const uploader = new DurableUploader({
    append: (update) => {
      result.requests += 1;
      result.requestBytes += update.byteLength;
      return store.appendUpdate(o.boardId, o.token, update);
    },
    canUpload: () => true,
    stopped: () => false,
    onQueued: () => {},
    onAcked: (ack) => result.acks.push([now(), Y.decodeStateVector(ack.stateVectorBytes).get(EDITOR_CLIENT_ID) ?? 0]),
    onOffline: () => (result.failures += 1),
    onFatal: (error) => (fatal = error.message),
    later: (fn, ms) => setTimeout(fn, ms),
  });
  // connectBoard pushes each local transaction's update
  await handOver(o.count, o.rate, result, (update) => uploader.push(update));
  const last = result.clock.at(-1) ?? 0;
  for (const until = now() + o.timeoutMs; (result.acks.at(-1)?.[1] ?? -1) < last; await sleep(5)) {
    if (fatal) throw new Error(`store refused: ${fatal}`);
    if (now() > until) throw new Error(`not every edit acknowledged after ${o.timeoutMs} ms`);
  }
  return result;
}

async function hocuspocus(o: { url: string; name: string; count: number; rate: number; timeoutMs: number }): Promise<WriterResult> {
  const result = emptyResult();
  const doc = new Y.Doc();
  let synced = false;
  const provider = new HocuspocusProvider({ url: o.url, name: o.name, document: doc, WebSocketPolyfill: WebSocket as never, onSynced: () => (synced = true) } as never);
  closeProvider = () => {
    provider.destroy();
    doc.destroy();
  };
  for (const until = now() + 30_000; !synced || provider.unsyncedChanges > 0; await sleep(10)) {
    if (now() > until) throw new Error('Hocuspocus provider not synced after 30 s');
  }
  // each SyncStatus answers one update, in order
  let previous = 0;
  provider.on('unsyncedChanges', ({ number }: { number: number }) => {
    if (number < previous) for (let k = number; k < previous; k++) result.serverAckAt.push(now());
    previous = number;
  });
  await handOver(o.count, o.rate, result, (update) => Y.applyUpdate(doc, update, 'editor'));
  for (const until = now() + o.timeoutMs; result.serverAckAt.length < o.count; await sleep(5)) {
    if (now() > until) throw new Error(`only ${result.serverAckAt.length} of ${o.count} updates answered by the server after ${o.timeoutMs} ms`);
  }
  return result;
}

async function handle(msg: Msg): Promise<unknown> {
  switch (msg.cmd) {
    case 'meshboard':
      return meshboard(msg as never);
    case 'hocuspocus':
      return hocuspocus(msg as never);
    case 'close':
      closeProvider?.();
      closeProvider = null;
      return { ok: true };
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

serveCommands(handle);
