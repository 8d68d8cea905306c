/**
 * Defect 2 (issue 11): two `join` events in ONE long-polling request body (board B with its token, then a board
 * Z the attacker created) both passed, because "already joined" was checked before the token check's await:
 * the socket ended bound to Z but stayed in B's rooms, kept receiving B's relay after B's links were rotated,
 * and B's members kept a ghost presence. One join per connection, enforced before any await.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startService, type ServiceProcess } from './peers.js';
import { PollingSocket } from './raw.js';
import { SECRET, client, collect, connected, join, user, waitFor, type Client } from './support.js';

const store = storeApi(inject('persistenceUrl'));
let service: ServiceProcess;
const sockets: Client[] = [];

beforeAll(async () => {
  service = await startService({ MESHBOARD_TOKEN_SECRET: SECRET, PERSISTENCE_URL: store.url });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await service.stop('SIGKILL');
});

describe('one join per connection (defect 2)', () => {
  it('two joins in one long-polling body: the second is refused, the connection is bound to one board only', async () => {
    const b = await store.createBoard();
    const z = await store.createBoard();
    const member = await connected(client(service.url));
    sockets.push(member);
    expect(await join(member, { boardId: b.id, token: b.editToken, user: user('member'), clientId: 1 })).toMatchObject({ ok: true });
    const presences = collect<{ sid: string }>(member, 'presence:join');

    const attacker = await PollingSocket.open(service.url);
    const request = (board: { id: string; editToken: string }, clientId: number) =>
      JSON.stringify({ boardId: board.id, token: board.editToken, user: user('mallory'), clientId });
    // both packets arrive in the same HTTP request, so the server handles them back to back
    expect(await attacker.post([`420["join",${request(b, 7)}]`, `421["join",${request(z, 8)}]`])).toBe(200);
    const packets: string[] = [];
    const deadline = Date.now() + 15_000;
    while (!(packets.some((p) => p.startsWith('430')) && packets.some((p) => p.startsWith('431'))) && Date.now() < deadline) {
      packets.push(...(await attacker.poll()));
    }
    const ack = (id: number) => (JSON.parse(packets.find((p) => p.startsWith(`43${id}`))!.slice(3)) as [{ ok: boolean; error?: { code: string } }])[0];
    expect(ack(0)).toMatchObject({ ok: true });
    expect(ack(1)).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // B's member sees exactly one newcomer; relay from Z never reaches the connection, relay from B does
    await waitFor(() => presences.length === 1, 5000, 'one presence');
    const zMember = await connected(client(service.url));
    sockets.push(zMember);
    expect(await join(zMember, { boardId: z.id, token: z.editToken, user: user('z'), clientId: 2 })).toMatchObject({ ok: true });
    zMember.emit('relay', { data: new Uint8Array([0, 2, 9, 9]) });
    member.emit('relay', { data: new Uint8Array([0, 2, 1, 1]) });
    const seen: string[] = [];
    const until = Date.now() + 1500;
    while (Date.now() < until) seen.push(...(await attacker.poll()));
    const relays = seen.filter((p) => p.startsWith('452-["relay"') || p.startsWith('451-["relay"') || p.startsWith('42["relay"'));
    expect(relays.length).toBe(1); // B's frame (binary attachment placeholder), never Z's
  });
});
