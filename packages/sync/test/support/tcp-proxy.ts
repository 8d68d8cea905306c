/**
 * A loopback TCP proxy in front of one service, for one peer: `cut()` drops every open connection and
 * refuses new ones (that peer alone loses the service, e.g. its signaling or its store), `heal()` lets it
 * reconnect. Nothing is faked above TCP: the peer's real clients see real resets.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly url: string;
  readonly cutOff: boolean;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: () => string): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cutOff = false;
  const server = net.createServer((client) => {
    if (cutOff) return void client.destroy();
    const { hostname, port } = new URL(target());
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get cutOff() {
      return cutOff;
    },
    cut() {
      cutOff = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    heal() {
      cutOff = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
