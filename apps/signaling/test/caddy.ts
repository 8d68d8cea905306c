/**
 * Debian's Caddy on loopback with the repository's deploy/Caddyfile, unchanged: the upstreams come from the
 * *_UPSTREAMS variables it reads, and a wrapper Caddyfile only moves the admin API off the shared :2019.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CADDY = process.env.CADDY_PATH ?? '/usr/bin/caddy';
const CADDYFILE = fileURLToPath(new URL('../../../deploy/Caddyfile', import.meta.url));

export interface Caddy {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startCaddy(upstreams: { signaling: string[]; persistence?: string; web?: string }): Promise<Caddy> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'meshboard-caddy-'));
  const config = path.join(dir, 'Caddyfile');
  writeFileSync(config, `{\n\tadmin 127.0.0.1:${adminPort}\n\tauto_https off\n}\nimport ${CADDYFILE}\n`);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(CADDY, ['run', '--adapter', 'caddyfile', '--config', config], {
    env: {
      ...process.env,
      HOME: dir,
      XDG_DATA_HOME: dir,
      XDG_CONFIG_HOME: dir,
      MESHBOARD_SITE_ADDRESS: url,
      MESHBOARD_SIGNALING_UPSTREAMS: upstreams.signaling.join(' '),
      // unused routes still need a syntactically valid upstream
      MESHBOARD_PERSISTENCE_UPSTREAMS: upstreams.persistence ?? '127.0.0.1:9',
      MESHBOARD_WEB_UPSTREAMS: upstreams.web ?? '127.0.0.1:9',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`caddy exited ${child.exitCode}:\n${out.join('')}`);
    try {
      // any answer from the site means the config is loaded (this one opens no Socket.IO session)
      await fetch(`${url}/rtc/ice-servers`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`caddy did not start:\n${out.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    logs: () => out.join('').slice(-5000),
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
