/**
 * Seeded fuzz over every Socket.IO event and the stock /y-webrtc endpoint (issue 11): malformed and hostile
 * frames from many connections, against the real service process and the real persistence service.
 * Asserts: the process stays up, no handler ever threw (the guard counts it), the canary boards' stored state
 * is byte-identical, and honest clients stay connected and keep relaying / signaling.
 *
 * Reproduce a run: FUZZ_SEED=<seed printed below> npx vitest run test/fuzz.test.ts
 * Bounded: FUZZ_ACTIONS (default 4000) actions or FUZZ_MS (default 60 s), whichever ends first.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startService, type ServiceProcess } from './peers.js';
import { RawSocket, deepJson } from './raw.js';
import { SECRET, awarenessUpdate, client, collect, connected, join, user, waitFor, type Client } from './support.js';

const store = storeApi(inject('persistenceUrl'));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const ACTIONS = Number(process.env.FUZZ_ACTIONS ?? 4000);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 60_000);
let service: ServiceProcess;

beforeAll(async () => {
  // the per-IP limits would (rightly) turn most fuzz connections away; they have their own test
  service = await startService({
    MESHBOARD_TOKEN_SECRET: SECRET,
    PERSISTENCE_URL: store.url,
    SIGNALING_MAX_CONNECTIONS_PER_IP: '10000',
    SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE: '1000000',
  });
});
afterAll(async () => {
  await service.stop('SIGKILL');
});

type Action =
  | { to: 'sio'; packet: string; binary?: Uint8Array }
  | { to: 'stock'; text: string }
  | { to: 'stock-binary'; bytes: Uint8Array }
  | { to: 'reconnect'; join: 'attack' | 'canary-view' | 'none' | 'forged' };

const EVENTS = ['join', 'leave', 'signal', 'relay', 'awareness', 'presence:update', 'presence:join', 'failure', 'nope', '', 'constructor', '__proto__', 'disconnect', 'connect', 'error', 'newListener'];
const uuid = fc.uuid({ version: 4 });

/** Near-valid payloads for each event, with one field broken, plus hostile specials and arbitrary JSON. */
function payloadArb(ctx: { attackBoard: string; canaryBoard: string; token: string }) {
  const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
  const deep = fc.integer({ min: 50, max: 20_000 }).map((n) => deepJson(n));
  const deepObject = fc.integer({ min: 50, max: 5000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n));
  const huge = fc.integer({ min: 60_000, max: 1_500_000 }).map((n) => JSON.stringify('x'.repeat(n)));
  const board = fc.constantFrom(ctx.attackBoard, ctx.canaryBoard, 'A'.repeat(22), '../../etc', '');
  const signalData = fc.oneof(
    uuid.map((from) => JSON.stringify({ type: 'announce', from })),
    fc.tuple(uuid, uuid, json).map(([from, to, signal]) => `{"type":"signal","from":"${from}","to":"${to}","signal":${signal}}`),
    fc.tuple(uuid, uuid, deep).map(([from, to, d]) => `{"type":"signal","from":"${from}","to":"${to}","signal":{"type":"offer","sdp":${d}}}`),
    deep,
    json,
  );
  const signal = fc.oneof(
    fc.tuple(board, signalData).map(([t, d]) => `{"type":"publish","topic":"${t}","data":${d}}`),
    fc.tuple(fc.constantFrom('subscribe', 'unsubscribe'), fc.oneof(board.map((b) => `["${b}"]`), json, deep)).map(([type, topics]) => `{"type":"${type}","topics":${topics}}`),
    fc.constant('{"type":"ping"}'),
    fc.constant('{"type":"ping","extra":' + deepJson(5000) + '}'),
  );
  const joinPayload = fc
    .record({ boardId: board, token: fc.constantFrom(ctx.token, 'mb1.x.y', ''), clientId: fc.oneof(fc.integer(), fc.double(), fc.constant(-1)), peerId: fc.option(uuid) })
    .chain((r) => fc.constantFrom(JSON.stringify({ ...r, user: user('fz') }), JSON.stringify({ ...r, user: { id: 'x', name: deepJson(3), color: '#fff' } }), JSON.stringify({ ...r, user: user('fz'), extra: 1 })));
  const presence = fc.oneof(
    fc.constantFrom('p2p', 'relay', 'bogus').map((m) => `{"mode":"${m}"}`),
    uuid.map((p) => `{"peerId":"${p}"}`),
    deep.map((d) => `{"user":${d}}`),
  );
  const placeholder = fc.nat(1000).map((n) => `{"data":{"_placeholder":true,"num":${n}}}`);
  return fc.oneof(json, deep, deepObject, huge, signal, joinPayload, presence, placeholder);
}

function actionArb(ctx: { attackBoard: string; canaryBoard: string; token: string; clientId: number }) {
  const payload = payloadArb(ctx);
  const event = fc.constantFrom(...EVENTS);
  const binaryEvent = fc.tuple(fc.constantFrom('relay', 'awareness', 'join', 'signal', 'nope'), fc.uint8Array({ maxLength: 64 }), fc.boolean()).map(
    ([e, bytes, own]): Action => {
      // relay: a y-protocols header half the time; awareness: an update for our own or someone else's clientID
      let data = bytes;
      if (e === 'relay' && own) data = new Uint8Array([0, (bytes[0] ?? 0) % 4, ...bytes]);
      if (e === 'awareness') data = awarenessUpdate(own ? ctx.clientId : 1001, bytes.length, own ? { cursor: { x: 1, y: 2 } } : { user: { name: 'pwned' } });
      return { to: 'sio', packet: `451-["${e}",{"data":{"_placeholder":true,"num":0}}]`, binary: data };
    },
  );
  const rawPacket = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('4', '42', '42[', '42[]', '42[1]', '42[null]', '43', '431[]', '45-[]', '451-["relay"]', '41', '40{"x":1}', '2', '3', '6', '1', '0', '4' + deepJson(3000), '42["join",' + deepJson(10_000) + ']'),
  );
  return fc.oneof(
    { weight: 10, arbitrary: fc.tuple(event, payload, fc.option(fc.nat(99))).map(([e, p, ack]): Action => ({ to: 'sio', packet: `42${ack ?? ''}["${e}",${p}]` })) },
    { weight: 2, arbitrary: binaryEvent },
    { weight: 2, arbitrary: rawPacket.map((packet): Action => ({ to: 'sio', packet })) },
    { weight: 4, arbitrary: payload.map((text): Action => ({ to: 'stock', text })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text): Action => ({ to: 'stock', text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Action => ({ to: 'stock-binary', bytes })) },
    { weight: 1, arbitrary: fc.constantFrom<Action>({ to: 'reconnect', join: 'attack' }, { to: 'reconnect', join: 'canary-view' }, { to: 'reconnect', join: 'none' }, { to: 'reconnect', join: 'forged' }) },
  );
}

describe(`seeded fuzz (FUZZ_SEED=${SEED})`, () => {
  it('every Socket.IO event and the stock endpoint: process up, no handler threw, canaries byte-identical, honest clients connected', { timeout: BUDGET_MS + 120_000 }, async () => {
    console.log(`fuzz seed ${SEED} (reproduce: FUZZ_SEED=${SEED} npx vitest run test/fuzz.test.ts)`);
    const canary = await store.createBoard();
    const hidden = await store.createBoard();
    const attack = await store.createBoard();
    for (const [board, key] of [[canary, 'canary'], [hidden, 'hidden']] as const) {
      const doc = new Y.Doc();
      doc.getMap('m').set(key, 'do not touch');
      await store.append(board.id, board.editToken, Y.encodeStateAsUpdate(doc));
    }
    const canaryBefore = await store.state(canary.id, canary.editToken);
    const hiddenBefore = await store.state(hidden.id, hidden.editToken);

    // honest clients on the canary board: two Socket.IO editors and a stock y-webrtc client
    const honest: Client[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await connected(client(service.url));
      honest.push(s);
      expect(await join(s, { boardId: canary.id, token: canary.editToken, user: user(`honest${i}`), clientId: 500 + i, peerId: crypto.randomUUID() })).toMatchObject({ ok: true });
      s.emit('signal', { type: 'subscribe', topics: [canary.id] });
    }
    const stockHonest = new WebSocket(`${service.url.replace('http', 'ws')}/y-webrtc?token=${canary.editToken}`);
    await new Promise((resolve, reject) => stockHonest.once('open', resolve).once('error', reject));
    stockHonest.send(JSON.stringify({ type: 'subscribe', topics: [canary.id] }));
    const keepAlive = setInterval(() => stockHonest.readyState === stockHonest.OPEN && stockHonest.send('{"type":"ping"}'), 10_000);

    const ctx = { attackBoard: attack.id, canaryBoard: canary.id, token: attack.editToken, clientId: 4321 };
    const actions = fc.sample(actionArb(ctx), { seed: SEED, numRuns: ACTIONS });
    let sio: RawSocket | null = null;
    let stock: WebSocket | null = null;
    const openSio = async (how: 'attack' | 'canary-view' | 'none' | 'forged') => {
      sio?.close();
      sio = await RawSocket.open(service.url).catch(() => null);
      if (!sio) return;
      const request =
        how === 'attack' ? { boardId: attack.id, token: attack.editToken, user: user('fz'), clientId: ctx.clientId, peerId: crypto.randomUUID() }
        : how === 'canary-view' ? { boardId: canary.id, token: canary.viewToken, user: user('fz'), clientId: ctx.clientId }
        : how === 'forged' ? { boardId: hidden.id, token: attack.editToken, user: user('fz'), clientId: 1 }
        : null;
      if (request) await sio.join(request).catch(() => undefined);
      if (how === 'attack') sio.emit('signal', JSON.stringify({ type: 'subscribe', topics: [attack.id] }));
    };
    const openStock = async () => {
      stock?.terminate();
      const ws = new WebSocket(`${service.url.replace('http', 'ws')}/y-webrtc?token=${attack.editToken}`);
      ws.on('error', () => undefined);
      stock = await new Promise<WebSocket | null>((resolve) => {
        ws.once('open', () => resolve(ws));
        ws.once('close', () => resolve(null));
      });
      stock?.send(JSON.stringify({ type: 'subscribe', topics: [attack.id] }));
    };

    const started = Date.now();
    let done = 0;
    for (const action of actions) {
      if (Date.now() - started > BUDGET_MS) break;
      if (action.to === 'reconnect') {
        await openSio(action.join);
      } else if (action.to === 'sio') {
        if (!sio || (sio as RawSocket).closed) await openSio('attack');
        (sio as RawSocket | null)?.sendRaw(action.packet);
        if (action.binary) (sio as RawSocket | null)?.ws.send(action.binary);
      } else {
        if (!stock || (stock as WebSocket).readyState !== WebSocket.OPEN) await openStock();
        if (action.to === 'stock') (stock as WebSocket | null)?.send(action.text);
        else (stock as WebSocket | null)?.send(action.bytes);
      }
      done++;
      if (done % 25 === 0) await new Promise((r) => setTimeout(r, 5)); // let the server answer; stay near real rates
      expect(service.child.exitCode, `process exited during action ${done} (seed ${SEED})`).toBe(null);
    }
    clearInterval(keepAlive);
    (sio as RawSocket | null)?.close();
    (stock as WebSocket | null)?.terminate();
    console.log(`fuzz: ${done} actions in ${Date.now() - started} ms (seed ${SEED})`);

    // the process is up and healthy, and no handler threw
    expect(service.child.exitCode).toBe(null);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const thrown = [...metrics.matchAll(/^meshboard_signaling_handler_errors_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(thrown, metrics.split('\n').filter((l) => l.startsWith('meshboard_signaling_handler_errors_total')).join('\n')).toBe(0);
    // canary boards byte-identical in the real store
    expect(Buffer.compare(Buffer.from(await store.state(canary.id, canary.editToken)), Buffer.from(canaryBefore))).toBe(0);
    expect(Buffer.compare(Buffer.from(await store.state(hidden.id, hidden.editToken)), Buffer.from(hiddenBefore))).toBe(0);
    // honest clients are still connected and still served
    expect(honest.every((s) => s.connected)).toBe(true);
    expect(stockHonest.readyState).toBe(WebSocket.OPEN);
    const atOne = collect<{ data: Uint8Array }>(honest[1]!, 'relay');
    honest[0]!.emit('relay', { data: new Uint8Array([0, 2, 7, 7]) });
    await waitFor(() => atOne.length === 1, 10_000, 'honest relay after the fuzz');
    const pong = new Promise<string>((resolve) => stockHonest.once('message', (m) => resolve(m.toString())));
    stockHonest.send('{"type":"ping"}');
    expect(JSON.parse(await pong)).toEqual({ type: 'pong' });
    for (const s of honest) s.disconnect();
    stockHonest.terminate();
  });
});
