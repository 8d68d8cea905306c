/**
 * One load-generator process of bench/load.ts: a share of the simulated clients, each a real Socket.IO client
 * that joins its board with an edit token, and behaves like a tab:
 *   - hot boards: presence (cursor) frames at LOAD_CURSOR_HZ on the `awareness` event,
 *   - edits at human rates: a real Yjs update (one map entry) relayed to the room and uploaded to the store
 *     (POST /v1/boards/:id/updates), like the sync layer does when peers are not connected P2P,
 *   - churn: the parent asks for leaves; the client leaves and a fresh one joins the same board.
 * Relay latency: the update carries the send time (CLOCK_MONOTONIC, one clock for every process on Linux);
 * receivers find it in the raw bytes without decoding Yjs.
 * Reports to the parent over IPC every report interval; never exits on its own before `stop`.
 */
import * as decoding from 'lib0/decoding';
import { io, type Socket } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';

interface ClientSpec {
  board: { id: string; editToken: string };
  url: string;
  hot: boolean;
}
interface Start {
  cmd: 'start';
  clients: ClientSpec[];
  storeUrl: string;
  cursorHz: number;
  editMeanSeconds: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const MARK = 'T@';
const MARK_RE = /T@(\d+\.\d+)@/g;

const counters = {
  joined: 0,
  joinFailures: 0,
  expectedLeaves: 0,
  unexpectedDisconnects: 0,
  reconnects: 0,
  failures: {} as Record<string, number>,
  disconnectReasons: {} as Record<string, number>,
  editsSent: 0,
  relayReceived: 0,
  cursorsSent: 0,
  cursorsReceived: 0,
  uploads: 0,
  uploadFailures: 0,
  /** by HTTP status, or 'network' */
  uploadFailureCodes: {} as Record<string, number>,
};
let latencies: number[] = [];
let cursorLatencies: number[] = [];

/** y-protocols sync message "update": [messageSync=0][messageYjsUpdate=2][varUint length][update]. */
function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = update.byteLength;
  while (n > 0x7f) {
    len.push(0x80 | (n & 0x7f));
    n >>>= 7;
  }
  len.push(n);
  const out = new Uint8Array(2 + len.length + update.byteLength);
  out.set([0, 2, ...len]);
  out.set(update, 2 + len.length);
  return out;
}

class SimClient {
  socket: Socket | null = null;
  private readonly doc = new Y.Doc();
  private readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly user = { id: `load-${Math.random().toString(36).slice(2, 10)}`, name: 'load', color: '#3366ff' };
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private edits = 0;
  private leaving = false;
  ready = false;

  constructor(
    readonly spec: ClientSpec,
    private readonly storeUrl: string,
    private readonly editMeanSeconds: number,
  ) {}

  connect(): void {
    this.leaving = false;
    const socket = io(this.spec.url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    this.socket = socket;
    const user = this.user;
    const clientId = this.doc.clientID;
    // as the real client (packages/sync connectBoard): a join without an answer starts the connection over, a
    // refused one is asked again a second later; every attempt that fails is counted
    let restarting = false;
    const join = () => {
      restarting = false;
      if (this.leaving || !socket.connected) return;
      socket
        .timeout(15_000)
        .emitWithAck('join', { boardId: this.spec.board.id, token: this.spec.board.editToken, user, clientId })
        .then((ack: { ok: boolean; error?: { code?: string } }) => {
          if (!ack.ok) {
            counters.joinFailures++;
            const code = `join:${ack.error?.code ?? 'unknown'}`;
            counters.failures[code] = (counters.failures[code] ?? 0) + 1;
            setTimeout(join, 1000);
            return;
          }
          counters.joined++;
          this.ready = true;
        })
        .catch(() => {
          counters.joinFailures++;
          counters.failures['join:timeout'] = (counters.failures['join:timeout'] ?? 0) + 1;
          if (this.leaving) return;
          restarting = true; // our own restart, not an unexpected disconnect
          socket.disconnect().connect();
        });
    };
    socket.on('connect', join);
    socket.io.on('reconnect', () => counters.reconnects++);
    socket.on('disconnect', (reason: string) => {
      this.ready = false;
      if (this.leaving || restarting) return;
      counters.unexpectedDisconnects++;
      counters.disconnectReasons[reason] = (counters.disconnectReasons[reason] ?? 0) + 1;
    });
    socket.on('failure', (body: { code?: string; error?: { code?: string } }) => {
      const code = body?.code ?? body?.error?.code ?? 'unknown';
      counters.failures[code] = (counters.failures[code] ?? 0) + 1;
    });
    socket.on('relay', (frame: { data: Buffer }) => {
      counters.relayReceived++;
      const text = Buffer.from(frame.data).toString('latin1');
      const t = now();
      for (const m of text.matchAll(MARK_RE)) latencies.push(t - Number(m[1]));
    });
    socket.on('awareness', (frame: { data: Buffer }) => {
      const t = now();
      // one update may carry several people's states (the service batches a board's cursor moves per tick),
      // and the batch may hold our own, which a tab ignores by its clock: count and time the others' only
      const decoder = decoding.createDecoder(new Uint8Array(frame.data));
      for (let n = decoding.readVarUint(decoder); n > 0; n--) {
        const from = decoding.readVarUint(decoder);
        decoding.readVarUint(decoder); // clock
        const state = decoding.readVarString(decoder);
        if (from === clientId) continue;
        counters.cursorsReceived++;
        // one delivery in ten is timed: all of them (~50,000/s at the defaults) would cost the workers more
        // CPU in IPC than the clients themselves
        if (counters.cursorsReceived % 10 !== 0) continue;
        for (const m of state.matchAll(MARK_RE)) cursorLatencies.push(t - Number(m[1]));
      }
    });
    this.scheduleEdit();
  }

  private scheduleEdit(): void {
    // exponential gaps: edits arrive like independent humans, mean editMeanSeconds
    const gap = -Math.log(1 - Math.random()) * this.editMeanSeconds * 1000;
    this.editTimer = setTimeout(() => {
      this.edit();
      this.scheduleEdit();
    }, gap);
  }

  private edit(): void {
    if (!this.ready || !this.socket) return;
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array) => (update = u);
    this.doc.once('update', capture);
    this.doc.getMap('shapes').set(`s${++this.edits}`, { kind: 'stroke', points: [1, 2, 3, 4, 5, 6], at: `${MARK}${now().toFixed(3)}@` });
    if (!update) return;
    this.socket.emit('relay', { data: syncUpdateMessage(update) });
    counters.editsSent++;
    fetch(`${this.storeUrl}/v1/boards/${this.spec.board.id}/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.spec.board.editToken}`, 'content-type': 'application/octet-stream' },
      body: update,
    })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.ok) return void counters.uploads++;
        counters.uploadFailures++;
        counters.uploadFailureCodes[response.status] = (counters.uploadFailureCodes[response.status] ?? 0) + 1;
      })
      .catch(() => {
        counters.uploadFailures++;
        counters.uploadFailureCodes.network = (counters.uploadFailureCodes.network ?? 0) + 1;
      });
  }

  cursor(x: number, y: number): void {
    if (!this.ready || !this.socket) return;
    // what a tab sends: a y-protocols awareness update of its own clientID's state (the service refuses anything
    // else, issue 11), the send time riding in the state as a mark the receivers find without decoding
    this.awareness.setLocalState({ user: this.user, cursor: { x: Math.round(x), y: Math.round(y) }, t: `${MARK}${now().toFixed(3)}@` });
    const data = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]);
    this.socket.volatile.emit('awareness', { data });
    counters.cursorsSent++;
  }

  leave(churn = true): void {
    this.leaving = true;
    this.awareness.destroy(); // its renewal timer would outlive the client
    this.ready = false;
    clearTimeout(this.editTimer);
    if (this.socket) {
      this.socket.emit('leave');
      this.socket.disconnect();
      if (churn) counters.expectedLeaves++;
    }
    this.socket = null;
  }
}

let clients: SimClient[] = [];
let cursorTimer: ReturnType<typeof setInterval> | undefined;
let reportTimer: ReturnType<typeof setInterval> | undefined;

function report(final = false): void {
  process.send!({ type: final ? 'final' : 'report', counters, latencies, cursorLatencies, connected: clients.filter((c) => c.ready).length });
  latencies = [];
  cursorLatencies = [];
}

process.on('message', async (msg: Start | { cmd: 'churn'; n: number } | { cmd: 'stop' }) => {
  if (msg.cmd === 'start') {
    clients = msg.clients.map((spec) => new SimClient(spec, msg.storeUrl, msg.editMeanSeconds));
    // ramp up: a connection storm of 500 sockets per worker at once is not what a deployment sees
    for (const [i, c] of clients.entries()) {
      c.connect();
      if (i % 25 === 24) await new Promise((r) => setTimeout(r, 100));
    }
    const hot = clients.filter((c) => c.spec.hot);
    let phase = 0;
    cursorTimer = setInterval(() => {
      phase += 0.05;
      for (const [i, c] of hot.entries()) c.cursor(500 + 300 * Math.cos(phase + i), 400 + 200 * Math.sin(phase + i));
    }, 1000 / msg.cursorHz);
    reportTimer = setInterval(() => report(), 5000);
  } else if (msg.cmd === 'churn') {
    for (let k = 0; k < msg.n; k++) {
      const i = Math.floor(Math.random() * clients.length);
      const old = clients[i]!;
      old.leave();
      const fresh = new SimClient(old.spec, (old as unknown as { storeUrl: string }).storeUrl, (old as unknown as { editMeanSeconds: number }).editMeanSeconds);
      clients[i] = fresh;
      setTimeout(() => fresh.connect(), 1000);
    }
  } else if (msg.cmd === 'stop') {
    clearInterval(cursorTimer);
    clearInterval(reportTimer);
    for (const c of clients) c.leave(false);
    report(true);
    setTimeout(() => process.exit(0), 500);
  }
});
process.send!({ type: 'ready' });
