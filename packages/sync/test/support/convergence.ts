/**
 * The randomized convergence suite (issue 9 item 4). One world (the real persistence and signaling services,
 * six peer processes with real WebRTC, and a TCP proxy per peer in front of each service) is reused across
 * seeds; each seed runs on a fresh board:
 *   N = 3..6 peers join; random steps: edits of every kind (packages/board), big pastes and big updates,
 *   data channels cut and healed, a peer's signaling or store cut, a peer fully offline while editing, the
 *   store stopped or killed -9 and restarted, peers leaving, late joiners;
 *   then everything heals and every online peer and the store must hold identical state (the decoded board,
 *   the big-update keys and the state vector), every edit the store acknowledged must still be there (after
 *   kill -9 too), and every edit a leaving peer saw acknowledged must be in the store.
 * Everything random comes from lib0's PRNG seeded with the seed: a failure prints the seed to replay.
 */
import { createHash } from 'node:crypto';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { startPersistence, storeApi, type PersistenceProcess, type StoreApi } from './persistence.js';
import { startSignaling, type SignalingProcess } from './signaling.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { startPeerProcess, type PeerProcess, type PeerSnapshot } from './peers.js';

const SECRET = 'sync-convergence-secret-'.padEnd(48, 'v');
export const MAX_PEERS = 6;

interface Slot {
  peer: PeerProcess;
  signalingProxy: TcpProxy;
  storeProxy: TcpProxy;
  online: boolean;
  p2pCut: boolean;
}

export interface World {
  persistence: PersistenceProcess;
  signaling: SignalingProcess;
  store: StoreApi;
  slots: Slot[];
  storeUp: boolean;
  /** replaces peer processes that died (a native @roamhq/wrtc crash is reported, then the run goes on) */
  respawnDead(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * `database`: 'pglite' (embedded, a temp dir) or a PostgreSQL URL of a database of its own. PostgreSQL makes
 * the many store restarts of a run cheap (PGlite starts in 2-8 s on this shared machine), so the bounded run
 * uses a throw-away database in the local cluster when one is reachable (test/support/postgres.ts), and
 * PGlite otherwise.
 */
export async function createWorld(options: { databaseUrl?: string } = {}): Promise<World> {
  const persistence = await startPersistence(SECRET, options.databaseUrl ? { env: { DATABASE_URL: options.databaseUrl } } : {});
  const slots: Slot[] = [];
  let signaling: SignalingProcess | null = null;
  try {
    signaling = await startSignaling({ secret: SECRET, persistenceUrl: persistence.url });
    const sig = signaling;
    for (let i = 0; i < MAX_PEERS; i++) {
      const [peer, signalingProxy, storeProxy] = await Promise.all([
        startPeerProcess(`c${i}`),
        startTcpProxy(() => sig.url),
        startTcpProxy(() => persistence.url),
      ]);
      slots.push({ peer, signalingProxy, storeProxy, online: false, p2pCut: false });
    }
  } catch (error) {
    // never leave services or peers behind
    await Promise.all(slots.map((s) => s.peer.stop()));
    await Promise.all(slots.flatMap((s) => [s.signalingProxy.close(), s.storeProxy.close()]));
    await signaling?.stop();
    await persistence.close();
    throw error;
  }
  const sig = signaling;
  const world: World = {
    persistence,
    signaling: sig,
    store: storeApi(persistence.url),
    slots,
    storeUp: true,
    async respawnDead() {
      const dead: string[] = [];
      for (const [i, slot] of slots.entries()) {
        if (slot.peer.child.connected) continue;
        dead.push(`${slot.peer.name} ${slot.peer.exitInfo ?? 'disconnected'}`);
        slot.peer = await startPeerProcess(`c${i}`);
        slot.online = false;
        slot.p2pCut = false;
      }
      return dead;
    },
    async close() {
      await Promise.all(slots.map((s) => s.peer.stop()));
      await Promise.all(slots.flatMap((s) => [s.signalingProxy.close(), s.storeProxy.close()]));
      await sig.stop();
      await persistence.close();
    },
  };
  return world;
}

export interface StoredView {
  digest: string;
  keys: Record<string, unknown>;
  stateVector: string;
  shapeCount: number;
}

export async function storedView(world: World, board: { id: string; editToken: string }): Promise<StoredView & { sv: Map<number, number> }> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await world.store.state(board.id, board.editToken));
  const b = new Board(doc, { userId: 'reader' });
  const shapes = b.listShapes();
  const view = {
    shapeCount: shapes.length,
    digest: createHash('sha256').update(JSON.stringify(shapes.map((s) => ({ ...s })).sort((x, y) => (x.id < y.id ? -1 : 1)))).digest('hex'),
    // sorted: a Y.Map iterates in local insertion order, which differs with arrival order
    keys: Object.fromEntries([...doc.getMap('m').entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, typeof v === 'string' ? v.length : v])),
    stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
    sv: Y.decodeStateVector(Y.encodeStateVector(doc)),
  };
  b.destroy();
  return view;
}

const covers = (big: Map<number, number>, small: Map<number, number>) => [...small].every(([c, clock]) => (big.get(c) ?? 0) >= clock);
const decodeSV = (b64: string) => Y.decodeStateVector(Buffer.from(b64, 'base64'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SeedResult {
  seed: number;
  peers: number;
  steps: string[];
  ms: number;
}

export class ConvergenceFailure extends Error {
  constructor(
    readonly seed: number,
    message: string,
    readonly steps: string[],
  ) {
    super(`seed ${seed}: ${message}\nsteps: ${steps.join(', ')}`);
  }
}

/** a peer process died during the seed (not a convergence verdict: Node's WebRTC binding crashed) */
export class PeerCrash extends Error {
  constructor(
    readonly seed: number,
    message: string,
    readonly steps: string[],
  ) {
    super(`seed ${seed}: ${message}\nsteps: ${steps.join(', ')}`);
  }
}

async function storeUp(world: World): Promise<void> {
  if (world.storeUp) return;
  await world.persistence.restart();
  world.storeUp = true;
}

export interface SeedOptions {
  steps?: number;
  convergeMs?: number;
  /** store stops/kills per seed (default unlimited); the bounded run uses 1 to stay within its time budget */
  maxStoreOutages?: number;
}

export async function runSeed(world: World, seed: number, options: SeedOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const gen = prng.create(seed);
  const steps: string[] = [];
  const n = prng.int32(gen, 3, MAX_PEERS);
  const board = await world.store.createBoard(`convergence ${seed}`);
  const slots = world.slots.slice(0, n);
  /** state vectors the store acknowledged (it answered with them) and that must survive anything */
  const acknowledged: Array<{ what: string; sv: Map<number, number> }> = [];
  let outages = 0;
  const connect = async (slot: Slot, i: number) => {
    slot.online = true;
    await slot.peer.call('connect', {
      boardId: board.id,
      token: board.editToken,
      signalingUrl: slot.signalingProxy.url,
      storeUrl: slot.storeProxy.url,
      name: `c${i}`,
      seed: seed * 16 + i,
      p2pDeadlineMs: 1000,
      antiEntropyIntervalMs: 700,
      wait: false,
    });
  };
  const fail = (message: string): never => {
    throw new ConvergenceFailure(seed, message, steps);
  };

  try {
    // start: a random subset joins now, the rest may join late
    const initial = prng.int32(gen, 2, n);
    for (let i = 0; i < initial; i++) await connect(slots[i]!, i);
    await sleep(prng.int32(gen, 200, 800));

    const stepCount = options.steps ?? prng.int32(gen, 6, 12);
    for (let step = 0; step < stepCount; step++) {
      const stepStart = Date.now();
      const i = prng.uint32(gen, 0, n - 1);
      const slot = slots[i]!;
      const roll = prng.uint32(gen, 0, 99);
      if (!slot.online) {
        if (roll < 60) {
          steps.push(`join c${i}`);
          await connect(slot, i);
        } else steps.push(`idle`);
      } else if (roll < 45) {
        const count = prng.int32(gen, 1, 15);
        steps.push(`edit c${i} x${count}`);
        await slot.peer.call('edits', { count });
      } else if (roll < 50) {
        const count = prng.int32(gen, 200, 1500);
        steps.push(`paste c${i} ${count}`);
        await slot.peer.call('paste', { count });
      } else if (roll < 53) {
        const bytes = prng.int32(gen, 20_000, 600_000);
        steps.push(`big c${i} ${bytes}`);
        await slot.peer.call('big', { key: `big${seed}-${step}`, bytes });
      } else if (roll < 61) {
        slot.p2pCut = !slot.p2pCut;
        steps.push(`${slot.p2pCut ? 'cut' : 'heal'}P2P c${i}`);
        await slot.peer.call(slot.p2pCut ? 'cutP2P' : 'healP2P');
      } else if (roll < 68) {
        const cut = !slot.signalingProxy.cutOff;
        steps.push(`${cut ? 'cut' : 'heal'}Signaling c${i}`);
        if (cut) slot.signalingProxy.cut();
        else slot.signalingProxy.heal();
      } else if (roll < 74) {
        const cut = !slot.storeProxy.cutOff;
        steps.push(`${cut ? 'cut' : 'heal'}Store c${i}`);
        if (cut) slot.storeProxy.cut();
        else slot.storeProxy.heal();
      } else if (roll < 78) {
        // fully offline, editing, then back
        steps.push(`offline-edit c${i}`);
        slot.signalingProxy.cut();
        slot.storeProxy.cut();
        await slot.peer.call('cutP2P');
        await sleep(300);
        await slot.peer.call('edits', { count: prng.int32(gen, 3, 20) });
        await sleep(prng.int32(gen, 100, 800));
        slot.signalingProxy.heal();
        slot.storeProxy.heal();
        if (!slot.p2pCut) await slot.peer.call('healP2P');
      } else if (roll < 84) {
        if (world.storeUp && outages >= (options.maxStoreOutages ?? Infinity)) {
          steps.push('idle');
        } else if (world.storeUp) {
          outages++;
          const kill = prng.bool(gen);
          steps.push(kill ? 'kill-9 store' : 'stop store');
          // what the store has acknowledged so far must survive the crash
          try {
            acknowledged.push({ what: `before ${kill ? 'kill -9' : 'stop'} at step ${step}`, sv: (await storedView(world, board)).sv });
          } catch {
            /* unreachable right now: nothing new to check */
          }
          await world.persistence.stop(kill ? 'SIGKILL' : 'SIGTERM');
          world.storeUp = false;
        } else {
          steps.push('restart store');
          await storeUp(world);
        }
      } else if (roll < 90) {
        // a peer leaves; what it saw acknowledged must be in the store
        steps.push(`leave c${i}`);
        const before = await slot.peer.state();
        await slot.peer.call('flush').catch(() => undefined);
        const after = await slot.peer.state();
        if (after.status?.store === 'synced' && after.status.pendingUploadBytes === 0 && before.stateVector === after.stateVector) {
          acknowledged.push({ what: `c${i} left acknowledged at step ${step}`, sv: decodeSV(after.stateVector) });
        }
        await slot.peer.call('destroy');
        slot.online = false;
        slot.p2pCut = false;
        slot.signalingProxy.heal();
        slot.storeProxy.heal();
      } else {
        steps.push(`edit-all`);
        await Promise.all(slots.filter((s) => s.online).map((s) => s.peer.call('edits', { count: prng.int32(gen, 1, 6) })));
      }
      const took = Date.now() - stepStart;
      if (took > 1000) steps[steps.length - 1] += ` (${took} ms)`;
      await sleep(prng.int32(gen, 30, 400));
    }

    // heal everything; at least one peer online
    const healStart = Date.now();
    await storeUp(world);
    if (Date.now() - healStart > 1000) steps.push(`store back in ${Date.now() - healStart} ms`);
    for (const s of slots) {
      s.signalingProxy.heal();
      s.storeProxy.heal();
      if (s.p2pCut) await s.peer.call('healP2P');
      s.p2pCut = false;
    }
    if (!slots.some((s) => s.online)) await connect(slots[0]!, 0);
    // a late joiner at the very end must get everything too
    const late = slots.findIndex((s) => !s.online);
    if (late >= 0 && prng.bool(gen)) {
      steps.push(`late-join c${late}`);
      await connect(slots[late]!, late);
    }

    // converge: every online peer and the store identical
    const convergeStart = Date.now();
    const online = slots.filter((s) => s.online);
    const deadline = Date.now() + (options.convergeMs ?? 30_000);
    let last = '';
    for (;;) {
      // state vectors first (cheap); the decoded boards only once those agree
      const [stored, quick] = await Promise.all([storedView(world, board).catch(() => null), Promise.all(online.map((s) => s.peer.state(false)))]);
      const svAgree = stored !== null && quick.every((v) => v.stateVector === stored.stateVector);
      const views = svAgree ? await Promise.all(online.map((s) => s.peer.state(true))) : quick;
      const same = (v: PeerSnapshot) =>
        stored !== null && v.digest === stored.digest && v.stateVector === stored.stateVector && JSON.stringify(v.keys) === JSON.stringify(stored.keys);
      if (stored && svAgree && views.every(same)) {
        for (const a of acknowledged) if (!covers(stored.sv, a.sv)) fail(`acknowledged edits lost (${a.what})`);
        steps.push(`converged in ${Date.now() - convergeStart} ms`);
        return { seed, peers: n, steps, ms: Date.now() - started };
      }
      last = `store ${stored?.shapeCount ?? '?'} shapes sv ${stored?.stateVector ?? '?'} digest ${stored?.digest.slice(0, 8)} keys ${JSON.stringify(stored?.keys)}; peers ${views
        .map((v, k) => `${online[k]!.peer.name}: ${v.shapeCount} shapes sv ${v.stateVector} digest ${v.digest.slice(0, 8)} keys ${JSON.stringify(v.keys)} ${v.status?.signaling}/${v.status?.store} pending ${v.status?.pendingUploadBytes} modes ${v.status?.peers.map((p) => p.mode).join('/')}`)
        .join(' | ')}`;
      if (Date.now() > deadline) fail(`no convergence: ${last}`);
      await sleep(200);
    }
  } catch (error) {
    const dead = await world.respawnDead();
    if (dead.length > 0) throw new PeerCrash(seed, `peer process died: ${dead.join(', ')} (${(error as Error).message.split('\n')[0]})`, steps);
    throw error;
  } finally {
    // leave the world clean for the next seed
    await storeUp(world).catch(() => undefined);
    for (const s of slots) {
      s.signalingProxy.heal();
      s.storeProxy.heal();
      if (s.online) await s.peer.call('destroy').catch(() => undefined);
      s.online = false;
      s.p2pCut = false;
    }
  }
}
