/**
 * `npm start` as a newcomer runs it: scripts/start.mjs starts web, signaling and persistence on one machine with
 * the embedded database, every /healthz answers 200, the home page is served, a board can be created and read
 * back, and SIGINT stops all three cleanly (exit 0, ports released). Runs with --no-build: `turbo run test`
 * has built everything first (apps/web/turbo.json).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from './e2e/harness.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'meshboard-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function status(url: string, init?: RequestInit): Promise<number> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

describe('npm start', () => {
  it('starts all three services on the embedded database, serves the app, and stops them all on SIGINT', async () => {
    const [web, signaling, persistence] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WEB_PORT: String(web),
      SIGNALING_PORT: String(signaling),
      PERSISTENCE_PORT: String(persistence),
      MESHBOARD_DATA_DIR: dataDir,
      NO_COLOR: '1',
    };
    // The start script generates its own secret into the data directory; make sure none is inherited.
    delete env.MESHBOARD_TOKEN_SECRET;
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.mjs'), '--no-build', '--timeout=120'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes('Meshboard is running') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(output, output).toContain('Meshboard is running');

      for (const port of [web, signaling, persistence]) expect(await status(`http://127.0.0.1:${port}/healthz`)).toBe(200);
      const home = await fetch(`http://127.0.0.1:${web}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<html');

      // The browser learns the service URLs at run time from the web app.
      const config = (await (await fetch(`http://127.0.0.1:${web}/api/config`)).json()) as Record<string, unknown>;
      expect(config).toMatchObject({ signalingUrl: `http://localhost:${signaling}`, storeUrl: `http://localhost:${persistence}` });

      // The embedded store works end to end and the generated secret is private to this user.
      const created = await fetch(`http://127.0.0.1:${persistence}/v1/boards`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'from npm start' }),
      });
      expect(created.status).toBe(201);
      const board = (await created.json()) as { id: string; editToken: string };
      const read = await fetch(`http://127.0.0.1:${persistence}/v1/boards/${board.id}`, {
        headers: { authorization: `Bearer ${board.editToken}` },
      });
      expect(read.status).toBe(200);
      expect(statSync(path.join(dataDir, 'secret')).mode & 0o077).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
    for (const port of [web, signaling, persistence]) expect(await status(`http://127.0.0.1:${port}/healthz`)).toBe(0);
  }, 180_000);
});
