// `npm run selfhost:check`: the self-hosting path, run for real (not part of `npm test`: it needs a Docker engine
// and takes minutes).
//
//   1. Builds the three app images from this repository with their own Dockerfiles (classic builder, host network).
//   2. Runs them with host networking on loopback: persistence against PostgreSQL, TWO signaling processes sharing
//      rooms over Redis, web; Debian's coturn with time-limited credentials (use-auth-secret); Caddy with
//      deploy/Caddyfile as the single origin (sticky sessions over both signaling processes).
//   3. Waits for every /healthz, then drives two Chromium contexts through that origin only: create a board on the
//      home page, open it in the second context, both forced to relay-only WebRTC (so P2P must go through coturn
//      with minted credentials), draw in one, see it (pixels) in the other, reload, and open the history.
//   4. Prints the run time and the image sizes; removes everything it started (containers, database, processes).
//
// Needs: docker (a running engine), caddy, turnserver (coturn), PostgreSQL and Redis reachable, Chromium.
//   SELFHOST_PG_URL   admin URL of PostgreSQL   (default postgresql://postgres@127.0.0.1:5432/postgres)
//   SELFHOST_REDIS_URL                          (default redis://127.0.0.1:6379)
//   NODE_IMAGE        base image build argument (default: the Dockerfiles' node:20-bookworm-slim)
//   CHROMIUM_PATH     (default /usr/bin/chromium)
//   --no-build        reuse the images from a previous run
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const build = !process.argv.includes('--no-build');
const pgAdminUrl = process.env.SELFHOST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.SELFHOST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const run = randomBytes(4).toString('hex');
const APPS = ['persistence', 'signaling', 'web'];
const image = (app) => `meshboard-${app}:selfhost-check`;

const log = (msg) => console.log(`selfhost:check [${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const cleanups = [];
let failed = false;

function sh(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (res.error || res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.error?.message ?? `exit ${res.status}`}):\n${`${res.stdout ?? ''}${res.stderr ?? ''}`.slice(-4000)}`);
  return res.stdout.trim();
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

async function waitFor(label, probe, timeoutMs, onTimeout = () => '') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${label}: not ready after ${timeoutMs / 1000} s\n${onTimeout()}`);
}

const healthy = (url) => async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;

function requireTool(cmd, hint) {
  const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cmd} not found: ${hint}`);
}

/** A host process (coturn, caddy) whose output is kept for the failure report. */
function startProcess(name, cmd, args, env = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  const keep = (chunk) => {
    out.push(chunk.toString());
    if (out.length > 500) out.splice(0, out.length - 500);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => {
      child.once('exit', r);
      setTimeout(r, 3000);
    });
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { name, child, logs: () => out.join('').slice(-4000) };
}

/** An app container on the host network, removed at the end (its logs are printed if the check fails). */
function startContainer(name, app, env) {
  const container = `meshboard-check-${run}-${name}`;
  const args = ['run', '-d', '--network', 'host', '--init', '--name', container];
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  sh('docker', [...args, image(app)]);
  cleanups.push(async () => {
    if (failed) console.log(`--- ${container} ---\n${spawnSync('docker', ['logs', '--tail', '60', container], { encoding: 'utf8' }).stdout}`);
    spawnSync('docker', ['rm', '-f', container]);
  });
  return container;
}

/** Fraction of pixels in a screenshot region that differ clearly from its most common colour. */
async function inkIn(page, clip) {
  const png = await page.screenshot({ clip, animations: 'disabled' });
  return page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const counts = new Map();
    for (let i = 0; i < data.length; i += 4) {
      const key = ((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const bgKey = [...counts].sort((x, y) => y[1] - x[1])[0][0];
    const bg = [((bgKey >> 10) & 31) * 8 + 4, ((bgKey >> 5) & 31) * 8 + 4, (bgKey & 31) * 8 + 4];
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]) > 60) ink++;
    }
    return ink / (bitmap.width * bitmap.height);
  }, png.toString('base64'));
}

const shapeCount = (page, n, timeout = 30_000) =>
  page.waitForSelector(`[data-testid="canvas"][data-shape-count="${n}"]`, { timeout });

async function drawStroke(page, [x, y]) {
  await page.click('[data-testid="tool-pen"]');
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (const [dx, dy] of [[50, -60], [100, 20], [150, -60], [210, 30]]) await page.mouse.move(x + dx, y + dy, { steps: 6 });
  await page.mouse.up();
}

async function main() {
  requireTool('docker', 'install a Docker engine (Debian: apt-get install -y docker.io) and start it');
  requireTool('caddy', 'apt-get install -y caddy');
  requireTool('turnserver', 'apt-get install -y coturn');
  sh('docker', ['info', '--format', '{{.ServerVersion}}']);

  // ------------------------------------------------------------------------------------------- 1. images
  const buildSeconds = {};
  if (build) {
    for (const app of APPS) {
      const t0 = Date.now();
      log(`building ${image(app)} (apps/${app}/Dockerfile) ...`);
      const args = ['build', '--network', 'host', '-f', `apps/${app}/Dockerfile`, '-t', image(app)];
      if (process.env.NODE_IMAGE) args.push('--build-arg', `NODE_IMAGE=${process.env.NODE_IMAGE}`);
      // classic builder: BuildKit would fetch its Dockerfile frontend from a registry for the `# syntax=` line
      sh('docker', [...args, '.'], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
      buildSeconds[app] = Math.round((Date.now() - t0) / 1000);
      log(`built ${image(app)} in ${buildSeconds[app]} s`);
    }
  }
  const sizes = Object.fromEntries(APPS.map((app) => [app, Number(sh('docker', ['image', 'inspect', '--format', '{{.Size}}', image(app)]))]));

  // ------------------------------------------------------------------------------------------- 2. services
  const database = `meshboard_selfhost_${run}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
  });
  const databaseUrl = Object.assign(new URL(pgAdminUrl), { pathname: `/${database}` }).toString();

  const [proxyPort, storePort, sigPortA, sigPortB, webPort, adminPort, turnPort] = [
    await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freeUdpPort(),
  ];
  const origin = `http://127.0.0.1:${proxyPort}`;
  const tokenSecret = randomBytes(32).toString('hex');
  const turnSecret = randomBytes(24).toString('hex');
  const tmp = mkdtempSync(path.join(tmpdir(), 'meshboard-selfhost-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));

  // coturn as compose runs it (use-auth-secret), on loopback (so loopback peers are allowed)
  const relayMin = 40000 + (turnPort % 200) * 100;
  const coturn = startProcess('coturn', 'turnserver', [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${turnPort}`,
    `--min-port=${relayMin}`, `--max-port=${relayMin + 99}`, '--use-auth-secret', `--static-auth-secret=${turnSecret}`,
    '--realm=meshboard', '--fingerprint', '--no-cli', '--no-tls', '--no-dtls', '--no-multicast-peers',
    '--allow-loopback-peers', `--userdb=${path.join(tmp, 'turndb')}`, `--pidfile=${path.join(tmp, 'turn.pid')}`,
    '--log-file=stdout', '--simple-log', '--verbose', // verbose: it then logs the listener the readiness check waits for
  ]);

  log('starting containers: persistence, signaling x2, web');
  const common = { MESHBOARD_TOKEN_SECRET: tokenSecret, MESHBOARD_ALLOWED_ORIGINS: origin, LOG_LEVEL: 'warn' };
  startContainer('persistence', 'persistence', {
    ...common,
    PERSISTENCE_HOST: '127.0.0.1',
    PERSISTENCE_PORT: String(storePort),
    DATABASE_URL: databaseUrl,
    // a restore point after each idle second, so the history step does not wait minutes
    MESHBOARD_COMPACT_IDLE_SECONDS: '1',
    MESHBOARD_HISTORY_INTERVAL_SECONDS: '0',
  });
  for (const [name, port] of [['signaling-a', sigPortA], ['signaling-b', sigPortB]]) {
    startContainer(name, 'signaling', {
      ...common,
      SIGNALING_HOST: '127.0.0.1',
      SIGNALING_PORT: String(port),
      REDIS_URL: redisUrl,
      PERSISTENCE_URL: `http://127.0.0.1:${storePort}`,
      MESHBOARD_TURN_SECRET: turnSecret,
      MESHBOARD_TURN_URLS: `turn:127.0.0.1:${turnPort}?transport=udp`,
    });
  }
  startContainer('web', 'web', {
    WEB_HOST: '127.0.0.1',
    WEB_PORT: String(webPort),
    MESHBOARD_PUBLIC_SIGNALING_URL: origin,
    MESHBOARD_PUBLIC_STORE_URL: origin,
    MESHBOARD_ICE_SERVERS: '[]',
    MESHBOARD_ICE_TRANSPORT_POLICY: 'relay',
  });

  // deploy/Caddyfile unchanged, imported under a global block that moves the admin API off the shared :2019
  const caddyfile = path.join(tmp, 'Caddyfile');
  writeFileSync(caddyfile, `{\n\tadmin 127.0.0.1:${adminPort}\n\tauto_https off\n}\nimport ${path.join(root, 'deploy/Caddyfile')}\n`);
  const caddy = startProcess('caddy', 'caddy', ['run', '--adapter', 'caddyfile', '--config', caddyfile], {
    MESHBOARD_SITE_ADDRESS: origin,
    MESHBOARD_SIGNALING_UPSTREAMS: `127.0.0.1:${sigPortA} 127.0.0.1:${sigPortB}`,
    MESHBOARD_PERSISTENCE_UPSTREAMS: `127.0.0.1:${storePort}`,
    MESHBOARD_WEB_UPSTREAMS: `127.0.0.1:${webPort}`,
  });

  const t0 = Date.now();
  await Promise.all([
    waitFor('persistence /healthz', healthy(`http://127.0.0.1:${storePort}/healthz`), 120_000),
    waitFor('signaling-a /healthz', healthy(`http://127.0.0.1:${sigPortA}/healthz`), 60_000),
    waitFor('signaling-b /healthz', healthy(`http://127.0.0.1:${sigPortB}/healthz`), 60_000),
    waitFor('web /healthz', healthy(`http://127.0.0.1:${webPort}/healthz`), 60_000),
    waitFor('coturn', async () => coturn.logs().includes(`127.0.0.1:${turnPort}`), 15_000, coturn.logs),
  ]);
  await waitFor('caddy origin', healthy(`${origin}/healthz`), 30_000, caddy.logs);
  log(`all services healthy ${((Date.now() - t0) / 1000).toFixed(1)} s after start; origin ${origin}`);

  // ------------------------------------------------------------------------------------------- 3. browsers
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection'],
  });
  cleanups.push(() => browser.close());
  const peer = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    // without camera/microphone, Chromium gathers no ICE candidates
    await context.grantPermissions(['camera', 'microphone'], { origin });
    return context.newPage();
  };
  const a = await peer();
  const b = await peer();

  await a.goto(origin);
  await a.fill('[data-testid="new-board-title"]', 'Self-host check');
  await a.click('[data-testid="create-board"]');
  await a.waitForURL(/\/b\/[A-Za-z0-9_-]{22}#/, { timeout: 30_000 });
  const boardUrl = a.url();
  const [boardId, editToken] = [new URL(boardUrl).pathname.split('/').pop(), new URL(boardUrl).hash.slice(1)];
  await shapeCount(a, 0);
  log(`board created through the home page: ${boardId}`);

  await b.goto(boardUrl);
  await shapeCount(b, 0);
  // relay-only ICE: a P2P connection between the two can only come up through coturn, with minted credentials
  for (const page of [a, b]) await page.waitForSelector('li[data-mode="p2p"]', { timeout: 45_000 });
  log('both peers connected P2P (relay-only ICE, through coturn)');

  await drawStroke(a, [350, 300]);
  await shapeCount(a, 1);
  await shapeCount(b, 1);
  const ink = await inkIn(b, { x: 330, y: 220, width: 260, height: 140 });
  if (!(ink > 0.01)) throw new Error(`peer B shows the stroke in its shape count but not on screen (ink ${ink})`);
  log(`stroke drawn in A is on B's canvas (${(ink * 100).toFixed(1)}% ink in its region)`);

  await b.reload();
  await shapeCount(b, 1);
  log('B reloaded: the stroke is still there');

  // a second stroke after an idle second: the store compacts and keeps the first state as a restore point
  await new Promise((r) => setTimeout(r, 2500));
  await drawStroke(a, [350, 520]);
  await shapeCount(b, 2);
  await waitFor(
    'a restore point in the history',
    async () => {
      const response = await fetch(`${origin}/v1/boards/${boardId}/history`, { headers: { authorization: `Bearer ${editToken}` } });
      const body = await response.json();
      return response.ok && (body.entries ?? body).length >= 1;
    },
    30_000,
  );
  await b.click('[data-testid="history-button"]');
  await b.waitForSelector('[data-testid="history-entry"]', { timeout: 15_000 });
  log(`history opened in B: ${await b.locator('[data-testid="history-entry"]').count()} restore point(s) listed`);

  // ------------------------------------------------------------------------------------------- 4. report
  const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
  console.log('\nselfhost:check: PASSED');
  console.log(`  run time: ${((Date.now() - started) / 1000).toFixed(0)} s${build ? ` (image builds: ${APPS.map((app) => `${app} ${buildSeconds[app]} s`).join(', ')})` : ' (images reused: --no-build)'}`);
  console.log(`  image sizes: ${APPS.map((app) => `${image(app)} ${mb(sizes[app])}`).join(', ')}`);
  console.log(`  base image: ${process.env.NODE_IMAGE ?? 'node:20-bookworm-slim'}`);
}

try {
  await main();
} catch (error) {
  failed = true;
  console.error(`\nselfhost:check: FAILED: ${error instanceof Error ? error.stack : error}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error(`cleanup: ${e.message}`));
}
process.exit(failed ? 1 : 0);
