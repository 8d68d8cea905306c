/**
 * Debian's coturn (`turnserver`, apt package coturn) on loopback for tests, configured as deployments run it:
 * TURN REST API credentials (`use-auth-secret` + `static-auth-secret`), no TLS, no CLI. Only what loopback needs
 * differs: it listens and relays on 127.0.0.1 and allows loopback peers (production denies private ranges).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

export interface Coturn {
  port: number;
  secret: string;
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/** A free UDP port on loopback (coturn listens on UDP and TCP; the TCP side is checked by coturn itself). */
async function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** The TURN REST API credential coturn accepts: computed here independently of the signaling service. */
export function restCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export async function startCoturn(): Promise<Coturn> {
  const port = await freeUdpPort();
  const secret = randomBytes(24).toString('hex');
  const dir = mkdtempSync(path.join(tmpdir(), 'meshboard-coturn-'));
  // relay ports: a window picked from the port so parallel runs rarely share one (coturn skips busy ports)
  const minPort = 40000 + (port % 200) * 100;
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 99}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=meshboard',
      '--fingerprint',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-multicast-peers',
      '--allow-loopback-peers',
      `--userdb=${path.join(dir, 'turndb')}`,
      `--pidfile=${path.join(dir, 'turnserver.pid')}`,
      '--log-file=stdout',
      '--simple-log',
      '--verbose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 2000) log.splice(0, log.length - 2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // ready once it logs that it listens on our port
  const deadline = Date.now() + 15_000;
  while (!log.join('').includes(`127.0.0.1:${port}`)) {
    if (child.exitCode !== null) throw new Error(`turnserver exited (${child.exitCode}):\n${log.join('').slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`turnserver did not start:\n${log.join('').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    logs: () => log.join(''),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
