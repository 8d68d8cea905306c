/**
 * Benchmark baseline: the least a Socket.IO relay can do. Clients join a room; every `m` is broadcast to
 * the rest of the room as is (no auth, no validation, no rate limits, no metrics). Forked by bench/realtime.ts,
 * reports its port over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { perMessageDeflate: false, httpCompression: false, serveClient: false });
io.on('connection', (socket) => {
  let room = '';
  socket.on('join', (name: unknown, ack?: () => void) => {
    room = String(name);
    void socket.join(room);
    ack?.();
  });
  socket.on('m', (...args: unknown[]) => socket.to(room).emit('m', ...args));
  socket.on('b', (...args: unknown[]) => socket.to(room).emit('b', ...args));
});
http.listen(0, '127.0.0.1', () => process.send?.({ port: (http.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
