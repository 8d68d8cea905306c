/**
 * Presence heard between the join request and its ack belongs to the new connection. A real Socket.IO server on
 * loopback, scripted to produce the ordering two signaling processes produce now and then (issue 10): a peer
 * joining on another process is announced to us (presence:join) before our ack, whose list was read before that
 * peer was in the room; and a peer listed in the ack left (presence:leave) before the ack arrived.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, expect, it } from 'vitest';
import type { Presence } from '@meshboard/protocol';
import { connectBoard } from '../../src/connect.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const presence = (sid: string, clientId: number): Presence => ({
  sid,
  user: { id: `u-${sid}`, name: sid, color: '#123456' },
  role: 'edit',
  clientId,
  mode: 'relay',
});

it('a peer announced before the join ack, and missing from its list, stays in the presence list', async () => {
  const http = createServer();
  const io = new Server(http);
  closers.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
  io.on('connection', (socket) => {
    socket.on('join', (_request: unknown, ack: (answer: unknown) => void) => {
      socket.emit('presence:join', presence('early', 11)); // joined on another process while we listed the room
      socket.emit('presence:leave', { sid: 'gone' }); // listed below, but it left before the ack
      setTimeout(
        () =>
          ack({
            ok: true,
            sid: socket.id,
            role: 'edit',
            peers: [presence('listed', 12), presence('gone', 13)],
            limits: { maxFrameBytes: 1 << 20, relayChunkBytes: 64 << 10, maxCursorHz: 30 },
          }),
        50,
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const conn = connectBoard('board-presence-race', 'no-token', {
    signalingUrl: url,
    storeUrl: 'http://127.0.0.1:9', // nothing listens: this test is about signaling only
    user: { id: 'me', name: 'Me', color: '#abcdef' },
    disableP2P: true,
    transports: ['websocket'],
  });
  closers.push(() => conn.destroy());

  const deadline = Date.now() + 5000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    const status = conn.status();
    names = status.peers.map((p) => p.user.name).sort();
    if (status.signaling === 'connected' && names.length >= 2) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(names).toEqual(['early', 'listed']);
});
