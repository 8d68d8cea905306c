#!/usr/bin/env node
// `npm start` / `npm run dev`: build, then run web, signaling and persistence on this machine with an embedded
// database, wait for each /healthz, print where to go, and stop all three cleanly.
//
//   node scripts/start.mjs [--dev] [--no-build] [--timeout=<seconds>]
//
//   --dev         signaling and persistence under `tsx watch --conditions=development src/main.ts`, web under
//                 `next dev` (workspace packages are still built once first, web excepted).
//   --no-build    skip `turbo run build` (everything already built).
//   --timeout=N   seconds to wait for every /healthz before giving up (default 180).
//
// Each service runs with `node` directly (never through an npm wrapper) in its own process group, so a stop
// reaches every process it started (tsx watch and next dev run children of their own). SIGINT / SIGTERM stop all
// three and exit 0; a service that exits by itself stops the others and exits 1. Settings: see the README.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIN_SECRET_BYTES = 32; // as @meshboard/tokens requires
const GRACE_MS = 10_000; // after SIGTERM, how long a service may take before SIGKILL

// ------------------------------------------------------------------------------------------------ arguments
const args = process.argv.slice(2);
const unknown = args.filter((a) => !['--dev', '--no-build', '--help', '-h'].includes(a) && !a.startsWith('--timeout='));
if (args.includes('--help') || args.includes('-h') || unknown.length) {
  if (unknown.length) console.error(`start: unknown option(s): ${unknown.join(' ')}`);
  console.error('usage: node scripts/start.mjs [--dev] [--no-build] [--timeout=<seconds>]');
  process.exit(unknown.length ? 2 : 0);
}
const dev = args.includes('--dev');
const build = !args.includes('--no-build');
const timeoutArg = args.find((a) => a.startsWith('--timeout='));
const timeoutSec = timeoutArg ? Number(timeoutArg.slice('--timeout='.length)) : 180;
if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) die(`--timeout must be a positive number of seconds, got ${timeoutArg}`);

// ------------------------------------------------------------------------------------------------ output
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const log = (msg) => console.log(`${paint('1', 'meshboard')}   | ${msg}`);
const warn = (msg) => console.error(`${paint('1;33', 'meshboard')}   | ${msg}`);
function die(msg) {
  console.error(`meshboard   | ${msg}`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------------------ settings
const env = process.env;
const setting = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : env[name]);
function port(name, fallback) {
  const raw = setting(name, String(fallback));
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) die(`${name} must be a port number (1-65535), got "${raw}"`);
  return value;
}
const webPort = port('WEB_PORT', 3000);
const signalingPort = port('SIGNALING_PORT', 4000);
const persistencePort = port('PERSISTENCE_PORT', 4100);
const webHost = setting('WEB_HOST', '127.0.0.1');
const signalingHost = setting('SIGNALING_HOST', '127.0.0.1');
const persistenceHost = setting('PERSISTENCE_HOST', '127.0.0.1');
const dataDir = path.resolve(setting('MESHBOARD_DATA_DIR', path.join(root, '.meshboard')));

/** Where this machine reaches a service bound to `host` (a wildcard bind is reached on loopback). */
const localHost = (host) => (['0.0.0.0', '::', '[::]'].includes(host) ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
/** What to show a person: localhost for loopback and wildcard binds. */
const shownHost = (host) => (['127.0.0.1', '0.0.0.0', '::', '[::]', '::1', 'localhost'].includes(host) ? 'localhost' : localHost(host));

// ------------------------------------------------------------------------------------------------ secret
function tokenSecret() {
  const fromEnv = setting('MESHBOARD_TOKEN_SECRET', undefined);
  if (fromEnv !== undefined) {
    if (Buffer.byteLength(fromEnv) < MIN_SECRET_BYTES) die(`MESHBOARD_TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
    return fromEnv;
  }
  const file = path.join(dataDir, 'secret');
  try {
    fs.writeFileSync(file, `${crypto.randomBytes(MIN_SECRET_BYTES).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    log(`generated a token secret in ${file} (keep it: changing it invalidates every board link)`);
  } catch (error) {
    if (error.code !== 'EEXIST') die(`cannot write ${file}: ${error.message}`);
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    fs.chmodSync(file, 0o600);
    warn(`${file} was readable by others (mode ${mode.toString(8)}): set it to 600`);
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) die(`${file} holds fewer than ${MIN_SECRET_BYTES} bytes: delete it to generate a new one`);
  return secret;
}

// ------------------------------------------------------------------------------------------------ children
/** @type {Map<string, {name: string, child: import('node:child_process').ChildProcess, exited: Promise<void>, done: boolean}>} */
const running = new Map();
let stopping = false;
let exitCode = 0;
const colors = { build: '90', persistence: '35', signaling: '36', web: '32' };

function pipeLines(stream, name, out) {
  const prefix = paint(colors[name] ?? '0', name.padEnd(11));
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${prefix} | ${line}\n`));
}

/**
 * Spawns `node <args>` in its own process group, output prefixed with the name. A service (`oneShot` false)
 * that exits while we are not stopping is a failure; a one-shot step (the build) is expected to exit.
 */
function startProcess(name, nodeArgs, { cwd = root, env: childEnv, oneShot = false }) {
  const child = spawn(process.execPath, nodeArgs, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  pipeLines(child.stdout, name, process.stdout);
  pipeLines(child.stderr, name, process.stderr);
  const entry = { name, child, done: false, exited: undefined };
  entry.exited = new Promise((resolve) => {
    child.on('error', (error) => {
      warn(`${name}: could not start: ${error.message}`);
      entry.done = true;
      resolve();
      if (!oneShot) onUnexpectedExit(name);
    });
    child.on('exit', (code, signal) => {
      entry.done = true;
      resolve();
      if (!stopping && !oneShot) {
        warn(`${name} exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}): stopping the others`);
        onUnexpectedExit(name);
      }
    });
  });
  running.set(name, entry);
  return entry;
}

function onUnexpectedExit() {
  exitCode = 1;
  void stopAll();
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** SIGTERM every process group, wait for each to empty, SIGKILL what is left after the grace period. */
async function stopAll() {
  if (stopping) return;
  stopping = true;
  const entries = [...running.values()].filter((e) => e.child.pid !== undefined);
  if (entries.some((e) => groupAlive(e.child.pid))) log(`stopping ${entries.filter((e) => groupAlive(e.child.pid)).map((e) => e.name).join(', ')}`);
  for (const e of entries) signalGroup(e.child.pid, 'SIGTERM');
  await Promise.all(
    entries.map(async (e) => {
      const deadline = Date.now() + GRACE_MS;
      while ((!e.done || groupAlive(e.child.pid)) && Date.now() < deadline) await sleep(100);
      if (!e.done || groupAlive(e.child.pid)) {
        warn(`${e.name} did not stop within ${GRACE_MS / 1000} s: killing it`);
        signalGroup(e.child.pid, 'SIGKILL');
        await Promise.race([e.exited, sleep(2000)]);
      }
    }),
  );
  log(exitCode === 0 ? 'stopped' : 'stopped (after a failure)');
  process.exit(exitCode);
}

let signalsSeen = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    signalsSeen += 1;
    if (signalsSeen > 1 && stopping) {
      warn('second signal: killing everything now');
      for (const e of running.values()) if (e.child.pid !== undefined) signalGroup(e.child.pid, 'SIGKILL');
      process.exit(130);
    }
    void stopAll();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function portFree(portNumber, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error.code !== 'EADDRINUSE'));
    server.listen(portNumber, host.replace(/^\[|\]$/g, ''), () => server.close(() => resolve(true)));
  });
}

async function healthy(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------------------ main
async function main() {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = tokenSecret();

  const base = {
    ...env,
    NEXT_TELEMETRY_DISABLED: '1',
    TURBO_TELEMETRY_DISABLED: '1',
    NODE_ENV: dev ? 'development' : 'production',
  };

  if (build) {
    const turbo = path.join(root, 'node_modules/turbo/bin/turbo');
    if (!fs.existsSync(turbo)) die('turbo is not installed: run `npm install` first');
    // --dev builds the workspace packages (and the services' generated code) but not web, which `next dev` compiles.
    const turboArgs = ['run', 'build', ...(dev ? ['--filter=!@meshboard/web'] : [])];
    log(`building: turbo ${turboArgs.join(' ')}`);
    const { NODE_ENV: _omit, ...buildEnv } = base; // let each tool pick its own NODE_ENV while building
    const entry = startProcess('build', [turbo, ...turboArgs], { env: buildEnv, oneShot: true });
    const code = await new Promise((resolve) => {
      entry.child.on('error', () => resolve(1));
      entry.child.on('exit', (c, s) => resolve(s ? 1 : c));
    });
    running.delete('build');
    if (stopping) return;
    if (code !== 0) die(`build failed (exit ${code}): fix it, or run with --no-build to start what is already built`);
  }

  const services = [
    { name: 'persistence', port: persistencePort, host: persistenceHost },
    { name: 'signaling', port: signalingPort, host: signalingHost },
    { name: 'web', port: webPort, host: webHost },
  ];
  for (const s of services) {
    if (!(await portFree(s.port, s.host))) {
      die(`port ${s.port} (${s.name}) is already in use on ${s.host}: stop what uses it, or set ${s.name.toUpperCase()}_PORT`);
    }
  }

  const persistenceUrl = setting('PERSISTENCE_URL', `http://${localHost(persistenceHost)}:${persistencePort}`);
  const shared = {
    ...base,
    WEB_PORT: String(webPort),
    WEB_HOST: webHost,
    SIGNALING_PORT: String(signalingPort),
    SIGNALING_HOST: signalingHost,
    PERSISTENCE_PORT: String(persistencePort),
    PERSISTENCE_HOST: persistenceHost,
    MESHBOARD_DATA_DIR: dataDir,
    PERSISTENCE_URL: persistenceUrl,
    MESHBOARD_ALLOWED_ORIGINS: setting('MESHBOARD_ALLOWED_ORIGINS', `http://localhost:${webPort},http://127.0.0.1:${webPort}`),
    MESHBOARD_PUBLIC_SIGNALING_URL: setting('MESHBOARD_PUBLIC_SIGNALING_URL', `http://localhost:${signalingPort}`),
    MESHBOARD_PUBLIC_STORE_URL: setting('MESHBOARD_PUBLIC_STORE_URL', `http://localhost:${persistencePort}`),
  };
  // The token secret goes only to the two services that sign and verify tokens, never to the web app.
  const withSecret = { ...shared, MESHBOARD_TOKEN_SECRET: secret };
  const { MESHBOARD_TOKEN_SECRET: _secret, ...webEnv } = shared;

  const nextBin = path.join(path.dirname(createRequire(path.join(root, 'apps/web/package.json')).resolve('next/package.json')), 'dist/bin/next');
  const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');
  for (const app of ['persistence', 'signaling']) {
    const main = dev ? path.join(root, 'apps', app, 'src/main.ts') : path.join(root, 'apps', app, 'dist/main.js');
    if (!fs.existsSync(main)) die(`${path.relative(root, main)} does not exist${dev ? '' : ' (did the build emit it? try without --no-build)'}`);
  }
  if (!dev && !fs.existsSync(path.join(root, 'apps/web/.next/BUILD_ID'))) die('apps/web has no production build (apps/web/.next/BUILD_ID): run without --no-build');

  if (dev) {
    startProcess('persistence', [tsxCli, 'watch', '--conditions=development', 'src/main.ts'], { cwd: path.join(root, 'apps/persistence'), env: withSecret });
    startProcess('signaling', [tsxCli, 'watch', '--conditions=development', 'src/main.ts'], { cwd: path.join(root, 'apps/signaling'), env: withSecret });
    startProcess('web', [nextBin, 'dev', '-H', webHost, '-p', String(webPort)], { cwd: path.join(root, 'apps/web'), env: webEnv });
  } else {
    startProcess('persistence', ['apps/persistence/dist/main.js'], { env: withSecret });
    startProcess('signaling', ['apps/signaling/dist/main.js'], { env: withSecret });
    startProcess('web', [nextBin, 'start', 'apps/web', '-H', webHost, '-p', String(webPort)], { env: webEnv });
  }

  // Wait until every /healthz answers 200.
  const pending = new Map(services.map((s) => [s.name, `http://${localHost(s.host)}:${s.port}/healthz`]));
  const deadline = Date.now() + timeoutSec * 1000;
  while (pending.size && !stopping) {
    for (const [name, url] of pending) {
      if (await healthy(url)) {
        pending.delete(name);
        log(`${name} is healthy (${url})`);
      }
    }
    if (!pending.size || stopping) break;
    if (Date.now() > deadline) {
      warn(`no healthy answer within ${timeoutSec} s from: ${[...pending].map(([n, u]) => `${n} (${u})`).join(', ')}`);
      exitCode = 1;
      await stopAll();
      return;
    }
    await sleep(500);
  }
  if (stopping) return;

  const url = (host, p) => `http://${shownHost(host)}:${p}`;
  log('');
  log(paint('1;32', `Meshboard is running${dev ? ' (dev mode, watching for changes)' : ''}: open ${url(webHost, webPort)}`));
  log(`  signaling    ${url(signalingHost, signalingPort)}`);
  log(`  persistence  ${url(persistenceHost, persistencePort)}${env.DATABASE_URL ? ' (PostgreSQL from DATABASE_URL)' : ` (embedded PGlite in ${path.join(dataDir, 'pglite')})`}`);
  log('  Ctrl-C stops all three.');
}

main().catch(async (error) => {
  warn(`start failed: ${error?.stack ?? error}`);
  exitCode = 1;
  await stopAll();
});
