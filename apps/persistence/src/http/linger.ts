import type { Socket } from 'node:net';

/**
 * A refusal answered before the body was read must reach the client. The store answers such a request at once
 * (`connection: close`, never reading a body it refused), and Node then destroys the socket as soon as the
 * answer is flushed. The client is usually still sending: its data arrives at a closed socket and the kernel
 * answers with a TCP reset, and a reset can reach the client before the client has read the answer. The
 * client then sees ECONNRESET, not the 401 or 413 (CI: all four forged 60 MiB uploads of door.test got no
 * status).
 *
 * This is the "lingering close" that HTTP servers such as Apache and nginx do. After the answer, the socket
 * only half-closes (FIN). What still arrives is read and dropped, never buffered, for at most `lingerMs`, or
 * until the client closes. Only then is the socket destroyed. The client therefore reads the answer first,
 * and a sender that ignores it still loses its connection after `lingerMs`.
 */
export function lingerBeforeClose(socket: Socket, lingerMs = 1_000): void {
  const linger = function (this: Socket) {
    if (this.writable) this.end();
    this.on('data', () => {}); // read and drop
    this.resume();
    const timer = setTimeout(() => this.destroy(), lingerMs);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
  // Node's HTTP server ends a `connection: close` response with socket.destroySoon(): take that moment over
  (socket as Socket & { destroySoon: () => void }).destroySoon = linger;
}
