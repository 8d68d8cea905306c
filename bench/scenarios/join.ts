/**
 * Join on a big board (issue 15): time until a new client's document holds every shape of a `shapes`-shape
 * board (built with @meshboard/board's Board API from the canvas benchmark's generator), (a) alone: the board
 * only in the system's store or server, seeded by one client that then left; (b) with `holders` people online
 * holding the board. Meshboard: connectBoard, seeded from its store (whenSeeded); y-websocket: its server keeps
 * the document in memory; Hocuspocus: a server of its own with an in-memory store (servers/hocuspocus.mjs,
 * HOCUSPOCUS_MEMORY_STORE), since without one it drops a document when its last client leaves. The joining
 * client lives in a process of its own (lib/join-load.ts); one unmeasured join warms each system up
 * (Meshboard's store compacts a board on its first read).
 */
import { randomBytes } from 'node:crypto';
import { hocuspocusServer, type Meshboard, type Proc } from '../lib/servers.js';
import { startPeers } from '../lib/peers.js';
import { log, sleep, stats, type Stats } from '../lib/util.js';

export interface JoinOptions {
  shapes: number;
  repetitions: number;
  holders: number;
}
export interface JoinRow {
  system: string;
  /** 0: alone */
  peersOnline: number;
  shapes: number;
  stateBytes: number;
  /** p50 is the median */
  ms: Stats;
  runs: number[];
}

export async function joinScenario(o: JoinOptions, mb: Meshboard, yws: Proc): Promise<JoinRow[]> {
  const hps = await hocuspocusServer({ HOCUSPOCUS_MEMORY_STORE: '1' });
  const room = randomBytes(6).toString('hex');
  const systems: Array<{ system: string; board: () => Promise<Record<string, unknown>> }> = [
    {
      system: 'Meshboard',
      board: async () => {
        const b = await mb.store.createBoard(`join ${o.shapes}`);
        return { kind: 'meshboard', url: mb.signaling.url, storeUrl: mb.store.url, boardId: b.id, token: b.editToken };
      },
    },
    { system: 'y-websocket', board: async () => ({ kind: 'ywebsocket', url: yws.url, boardId: `join-${room}` }) },
    { system: 'Hocuspocus', board: async () => ({ kind: 'hocuspocus', url: hps.url, boardId: `join-${room}` }) },
  ];
  log(`join: ${o.shapes} shapes, alone and with ${o.holders} peers online, ${o.repetitions} joins each`);
  const procs = await startPeers(1 + o.holders, 'join-');
  const [joiner, ...holders] = procs;
  const rows: JoinRow[] = [];
  const t0 = Date.now();
  try {
    for (const sys of systems) {
      const board = { ...(await sys.board()), shapes: o.shapes, name: `${sys.system}-join` };
      const { stateBytes } = await holders[0]!.call<{ stateBytes: number }>('seed', board, 180_000);
      const join = async () => (await joiner!.call<{ ms: number }>('join', board, 90_000)).ms;
      const measure = async (peersOnline: number) => {
        const runs: number[] = [];
        for (let i = 0; i < o.repetitions; i++) {
          runs.push(await join());
          await sleep(200);
        }
        rows.push({ system: sys.system, peersOnline, shapes: o.shapes, stateBytes, ms: stats(runs), runs });
        log(`   ${sys.system.padEnd(12)} ${peersOnline ? `with ${peersOnline} peers` : 'alone'}: ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);
      };
      await join(); // warm-up
      await measure(0);
      await Promise.all(holders.map((h) => h.call('open', { ...board, count: 1, p2p: false }, 90_000)));
      const ready = await Promise.all(holders.map((h) => h.call<{ ready: boolean }>('ready', { peers: o.holders - 1, timeoutMs: 60_000 }, 70_000)));
      if (!ready.every((r) => r.ready)) log(`   ${sys.system}: not every peer was online with the board after 60 s; measuring anyway`);
      await measure(o.holders);
      await Promise.all(holders.map((h) => h.call('close')));
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await hps.stop();
  }
  log(`   join took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return rows;
}
