// Static checks of the self-hosting setup (`npm run compose:check`, run by .ci/run). No Docker engine is needed,
// so this is what keeps docker-compose.yml, the Dockerfiles, deploy/Caddyfile, .env.example and the README
// honest with each other and with the workspace. Every failed check is listed; any failure exits non-zero.
//
//   1. dclint (schema + best-practice rules, warnings count as failures)
//   2. docker-compose 1.29 `config -q` with .env.example (required when CI=true; skipped otherwise if missing)
//   3. caddy validate deploy/Caddyfile (required when CI=true; skipped otherwise if missing)
//   4. our own checks, below: build files exist, prune targets are real packages, depends_on targets exist and
//      have health checks, proxy upstreams exist, every ${VAR} is in .env.example, every setting is documented.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const composeFile = 'docker-compose.yml';
const envExample = '.env.example';
const caddyfile = 'deploy/Caddyfile';
const readme = 'README.md';

const failures = [];
const fail = (msg) => failures.push(msg);
const rel = (p) => path.relative(root, p) || '.';
const exists = (p) => fs.existsSync(path.resolve(root, p));
const read = (p) => fs.readFileSync(path.resolve(root, p), 'utf8');

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}

function run(label, cmd, args, env = {}) {
  console.log(`compose:check: ${label}: ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`
    .split('\n')
    .filter((line) => !/Unknown user config "nodedir"/.test(line))
    .join('\n')
    .trim();
  if (res.error || res.status !== 0) {
    fail(`${label} failed (${res.error?.message ?? `exit ${res.status}`})${output ? `:\n${output}` : ''}`);
    return false;
  }
  if (output) console.log(output);
  return true;
}

// ---------------------------------------------------------------------------------------------- workspaces
function workspaces() {
  const pkg = JSON.parse(read('package.json'));
  const found = new Map(); // name -> dir (relative)
  for (const pattern of pkg.workspaces ?? []) {
    const parent = path.join(root, pattern.replace(/\/\*$/, ''));
    if (!fs.existsSync(parent)) continue;
    for (const name of fs.readdirSync(parent)) {
      const pkgPath = path.join(parent, name, 'package.json');
      if (!fs.existsSync(pkgPath)) continue;
      found.set(JSON.parse(fs.readFileSync(pkgPath, 'utf8')).name, rel(path.join(parent, name)));
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------- Dockerfiles
/** Joins continuation lines and drops comments, so each entry is one instruction. */
function dockerInstructions(text) {
  const out = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    out.push(current + line);
    current = '';
  }
  if (current) out.push(current);
  return out;
}

function checkDockerfile(file, serviceName, packages) {
  const instructions = dockerInstructions(read(file));
  const stages = new Set();
  const appDir = path.dirname(file); // apps/<app>
  const ownPackage = [...packages].find(([, dir]) => dir === appDir)?.[0];
  if (!ownPackage) fail(`${file}: ${appDir} is not a workspace package (service "${serviceName}")`);
  let pruneTargets = 0;
  for (const ins of instructions) {
    const [keyword, ...rest] = ins.split(/\s+/);
    const args = rest.join(' ');
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const m = /\bAS\s+(\S+)/i.exec(args);
      if (m) stages.add(m[1]);
    }
    if (upper === 'COPY' || upper === 'ADD') {
      const parts = rest.filter((p) => !p.startsWith('--chown') && !p.startsWith('--chmod') && !p.startsWith('--link'));
      const fromFlag = parts.find((p) => p.startsWith('--from='));
      const paths = parts.filter((p) => !p.startsWith('--'));
      const sources = paths.slice(0, -1);
      if (fromFlag) {
        const stage = fromFlag.slice('--from='.length);
        if (!stages.has(stage)) fail(`${file}: COPY --from=${stage} names no earlier stage`);
        // The pruner stage holds the whole build context at /app: a path outside out/ must exist in the repo.
        for (const src of sources) {
          const inRepo = src.replace(/^\/app\/?/, '');
          if (stage === 'pruner' && src.startsWith('/app/') && !inRepo.startsWith('out/') && !exists(inRepo)) {
            fail(`${file}: COPY --from=pruner ${src} but ${inRepo}/ does not exist in the repository (the image cannot build)`);
          }
        }
      } else {
        for (const src of sources) if (src !== '.' && !exists(src)) fail(`${file}: COPY source ${src} does not exist`);
      }
    }
    const prune = /\bturbo\s+prune\s+(?:--scope=)?([^\s-][^\s]*)/.exec(ins);
    if (prune) {
      pruneTargets += 1;
      if (!packages.has(prune[1])) fail(`${file}: \`turbo prune ${prune[1]}\`: no workspace package has that name`);
      else if (prune[1] !== ownPackage) fail(`${file}: prunes ${prune[1]} but lives in ${appDir} (${ownPackage})`);
    }
    for (const m of ins.matchAll(/--filter=(\S+)/g)) {
      if (!packages.has(m[1])) fail(`${file}: --filter=${m[1]}: no workspace package has that name`);
    }
    if (upper === 'CMD' || upper === 'ENTRYPOINT') {
      for (const m of args.matchAll(/(apps\/[\w-]+)\//g)) {
        if (m[1] !== appDir) fail(`${file}: ${upper} runs ${m[0]} but the image is for ${appDir}`);
      }
    }
  }
  if (pruneTargets === 0) fail(`${file}: no \`turbo prune <package> --docker\` step`);
  // An image that ships Next's standalone server needs next.config to produce it.
  if (/\.next\/standalone/.test(read(file))) {
    const config = ['next.config.ts', 'next.config.mjs', 'next.config.js'].map((f) => path.join(appDir, f)).find(exists);
    // next.config turns standalone output on only when the image's build stage sets MESHBOARD_WEB_STANDALONE=1.
    if (!config || !/output\s*:[^\n]*['"]standalone['"]/.test(read(config))) {
      fail(`${file} copies .next/standalone but ${config ?? `${appDir}/next.config.*`} never sets output: 'standalone'`);
    } else if (/MESHBOARD_WEB_STANDALONE/.test(read(config)) && !/ENV\s+MESHBOARD_WEB_STANDALONE=1\b/.test(read(file))) {
      fail(`${file} copies .next/standalone but does not set ENV MESHBOARD_WEB_STANDALONE=1 before next build`);
    }
  }
  if (!instructions.some((i) => /\bturbo\s+prune\b.*--docker/.test(i))) fail(`${file}: turbo prune without --docker`);
}

// ---------------------------------------------------------------------------------------------- env vars
/** Env names read by the apps' and packages' source (not tests): process.env.X / ['X'], env.X / ['X'], envX(env, 'X'). */
function envVarsReadBySource() {
  const names = new Map(); // name -> first file
  const patterns = [
    /process\.env\.([A-Z][A-Z0-9_]+)/g,
    /process\.env\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g,
    /\benv\.([A-Z][A-Z0-9_]+)\b/g, // readConfig(env = process.env) { env.NAME }
    /\benv\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g,
    /\benv[A-Z]\w*\(\s*[\w.]+\s*,\s*['"]([A-Z][A-Z0-9_]+)['"]/g,
  ];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (['node_modules', 'dist', '.next', 'generated', 'test', 'tests', '__tests__', 'e2e'].includes(entry.name)) continue;
        walk(full);
      } else if (/\.(m|c)?[jt]sx?$/.test(entry.name) && !/\.(test|spec)\.[^.]+$/.test(entry.name)) {
        const text = fs.readFileSync(full, 'utf8');
        for (const re of patterns) for (const m of text.matchAll(re)) if (!names.has(m[1])) names.set(m[1], rel(full));
      }
    }
  };
  for (const top of ['apps', 'packages']) {
    const dir = path.join(root, top);
    if (!fs.existsSync(dir)) continue;
    for (const ws of fs.readdirSync(dir)) {
      for (const sub of ['src', 'app']) {
        const src = path.join(dir, ws, sub);
        if (fs.existsSync(src) && fs.statSync(src).isDirectory()) walk(src);
      }
    }
  }
  // The start script's own settings are part of what a user configures.
  const start = path.join(root, 'scripts/start.mjs');
  if (fs.existsSync(start)) {
    for (const re of patterns) for (const m of fs.readFileSync(start, 'utf8').matchAll(re)) if (!names.has(m[1])) names.set(m[1], 'scripts/start.mjs');
  }
  return names;
}

// Variables the platform sets, not Meshboard settings.
const NOT_SETTINGS = new Set(['NODE_ENV', 'CI', 'PATH', 'HOME', 'TZ', 'NEXT_RUNTIME', 'NEXT_PHASE', 'NEXT_TELEMETRY_DISABLED', 'TURBO_TELEMETRY_DISABLED', 'VITEST', 'NO_COLOR', 'npm_lifecycle_event']);

// ---------------------------------------------------------------------------------------------- main
function main() {
  for (const f of [composeFile, envExample, caddyfile]) if (!exists(f)) fail(`${f} is missing`);
  if (failures.length) return;

  // 1. dclint
  run('dclint', process.execPath, [path.join(root, 'node_modules/dclint/bin/dclint.cjs'), composeFile, '--max-warnings', '0']);

  // 2. docker-compose 1.29 (Debian), with the example env so required ${VAR:?} settings resolve
  if (onPath('docker-compose')) {
    run('docker-compose config', 'docker-compose', ['--env-file', envExample, '-f', composeFile, 'config', '-q']);
  } else if (process.env.CI) {
    fail('docker-compose is not installed (CI=true requires it: apt-get install -y docker-compose)');
  } else {
    console.log('compose:check: docker-compose not installed here: skipped (`apt-get install -y docker-compose` to run it)');
  }

  // 3. Caddyfile, when caddy exists
  if (onPath('caddy')) {
    run('caddy validate', 'caddy', ['validate', '--adapter', 'caddyfile', '--config', caddyfile], { MESHBOARD_SITE_ADDRESS: ':80' });
  } else if (process.env.CI) {
    fail('caddy is not installed (CI=true requires it to validate deploy/Caddyfile: apt-get install -y caddy)');
  } else {
    console.log('compose:check: caddy not installed here: Caddyfile checked by our own rules only');
  }

  // 4. Our own checks
  // merge keys: signaling-2 is `<<: *signaling`, as docker-compose reads it
  const compose = YAML.parse(read(composeFile), { merge: true });
  const services = compose.services ?? {};
  const packages = workspaces();
  const dockerfiles = new Set();

  for (const [name, svc] of Object.entries(services)) {
    if (svc.build) {
      const context = typeof svc.build === 'string' ? svc.build : (svc.build.context ?? '.');
      const dockerfile = path.join(context, typeof svc.build === 'string' ? 'Dockerfile' : (svc.build.dockerfile ?? 'Dockerfile'));
      if (!exists(context)) fail(`service "${name}": build context ${context} does not exist`);
      if (!exists(dockerfile)) fail(`service "${name}": build.dockerfile ${dockerfile} does not exist`);
      else {
        dockerfiles.add(path.normalize(dockerfile));
        checkDockerfile(path.normalize(dockerfile), name, packages);
      }
    }
    const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
    for (const dep of deps) {
      if (!services[dep]) {
        fail(`service "${name}" depends_on "${dep}", which is not a service`);
        continue;
      }
      const condition = Array.isArray(svc.depends_on) ? undefined : svc.depends_on[dep]?.condition;
      if (condition === 'service_healthy' && !services[dep].healthcheck) {
        const depDockerfile = services[dep].build && path.join(services[dep].build.context ?? '.', services[dep].build.dockerfile ?? 'Dockerfile');
        if (!depDockerfile || !exists(depDockerfile) || !/^HEALTHCHECK\s/m.test(read(depDockerfile))) {
          fail(`service "${name}" waits for "${dep}" to be healthy, but "${dep}" has no healthcheck`);
        }
      }
    }
    if (!svc.healthcheck) fail(`service "${name}" has no healthcheck`);
    for (const vol of svc.volumes ?? []) {
      const source = typeof vol === 'string' ? vol.split(':')[0] : vol.source;
      if (source && /^\.{1,2}\//.test(source) && !exists(source)) fail(`service "${name}": bind mount source ${source} does not exist`);
    }
  }

  // Every app has its image in compose, and no Dockerfile is orphaned.
  for (const [pkgName, dir] of packages) {
    if (!dir.startsWith('apps/')) continue;
    const df = path.join(dir, 'Dockerfile');
    // a command-line tool (apps/cli: `bin`, no Dockerfile) is run by people, not deployed as a service
    const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    if (manifest.bin && !exists(df)) continue;
    if (!dockerfiles.has(df)) fail(`${pkgName} (${dir}) has no service in ${composeFile} building ${df}`);
  }

  // Proxy upstreams are real services on ports they expose.
  for (const m of read(caddyfile).matchAll(/reverse_proxy\s+(?:\{\$[A-Z0-9_]+:|\S+\s+)?([a-z0-9_-]+):(\d+)/g)) {
    const [, host, port] = m;
    const svc = services[host];
    if (!svc) fail(`${caddyfile}: reverse_proxy ${host}:${port}: no such service in ${composeFile}`);
    else if (!(svc.expose ?? []).map(String).includes(port)) fail(`${caddyfile}: reverse_proxy ${host}:${port}: "${host}" does not expose ${port}`);
  }

  // ${VAR} used in compose <-> keys in .env.example
  const composeText = read(composeFile);
  const interpolated = new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  const exampleKeys = new Set(
    read(envExample)
      .split('\n')
      .map((l) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(l)?.[1])
      .filter(Boolean),
  );
  for (const v of interpolated) if (!exampleKeys.has(v)) fail(`${composeFile} uses \${${v}} but ${envExample} does not document it`);
  for (const k of exampleKeys) if (!interpolated.has(k)) fail(`${envExample} documents ${k} but ${composeFile} never uses it`);

  // Every setting an app reads, and every env var compose sets on an app, is in the README's documentation.
  if (!exists(readme)) {
    fail(`${readme} is missing (its configuration table documents every setting)`);
  } else {
    // The top-level README documents the settings every deployment touches; a service's tuning knobs may be
    // documented in that workspace's own README instead (apps/<app>/README.md).
    const readmeText = read(readme);
    const documented = (name, workspaceReadme) =>
      readmeText.includes(`\`${name}\``) || (workspaceReadme !== undefined && exists(workspaceReadme) && read(workspaceReadme).includes(`\`${name}\``));
    for (const [name, file] of envVarsReadBySource()) {
      const ws = /^(apps|packages)\/[^/]+/.exec(file)?.[0];
      const wsReadme = ws ? `${ws}/README.md` : undefined;
      if (!NOT_SETTINGS.has(name) && !documented(name, wsReadme)) {
        fail(`${file} reads ${name}, documented in neither ${readme} nor ${wsReadme ?? '(no workspace)'} (write it as \`${name}\`)`);
      }
    }
    for (const [svcName, svc] of Object.entries(services)) {
      if (!svc.build) continue;
      const env = Array.isArray(svc.environment) ? svc.environment.map((e) => e.split('=')[0]) : Object.keys(svc.environment ?? {});
      for (const name of env) if (!NOT_SETTINGS.has(name) && !documented(name)) fail(`${composeFile}: service "${svcName}" sets ${name}, which ${readme} does not document`);
    }
  }
}

main();
if (failures.length) {
  console.error(`\ncompose:check FAILED (${failures.length}):`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log('compose:check: ok');
