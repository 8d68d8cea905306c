// Used inside the app Dockerfiles between `npm ci` and the build: keep only the workspaces <app> needs at run time.
// `turbo prune` follows devDependencies too, so test-only workspaces (e.g. @meshboard/persistence, which the
// signaling and sync tests start as a real process) land in the pruned tree: turbo would build them (persistence's
// build runs `prisma generate`), and `npm prune --omit=dev` alone keeps them and their production dependencies,
// because every listed workspace is a root. This script follows only `dependencies` from <app>, and removes every
// other workspace that has a build of its own from the root package.json's `workspaces` and from disk. Config-only
// workspaces (no build script, e.g. @meshboard/tsconfig) stay for the build; they are devDependencies, so the
// `npm prune --omit=dev` that follows the build unlinks them, together with the dropped workspaces' packages.
// Usage: node runtime-workspaces.mjs @meshboard/signaling   (run in the pruned monorepo root)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const app = process.argv[2];
if (!app) {
  console.error('usage: runtime-workspaces.mjs <workspace package name>');
  process.exit(2);
}
const rootFile = 'package.json';
const root = JSON.parse(readFileSync(rootFile, 'utf8'));
if (!Array.isArray(root.workspaces)) throw new Error('expected the explicit workspaces list that turbo prune writes');

const byName = new Map();
const hasBuild = new Map();
for (const dir of root.workspaces) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  byName.set(pkg.name, { dir, deps: Object.keys(pkg.dependencies ?? {}) });
  hasBuild.set(pkg.name, Boolean(pkg.scripts?.build));
}
if (!byName.has(app)) throw new Error(`${app} is not a workspace of this tree`);

const keep = new Set();
const queue = [app];
while (queue.length > 0) {
  const name = queue.pop();
  if (keep.has(name)) continue;
  keep.add(name);
  for (const dep of byName.get(name).deps) if (byName.has(dep)) queue.push(dep);
}

const dropped = [];
for (const [name, { dir }] of byName) {
  if (keep.has(name) || !hasBuild.get(name)) continue;
  rmSync(dir, { recursive: true, force: true });
  dropped.push(name);
}
const droppedDirs = new Set(dropped.map((name) => byName.get(name).dir));
root.workspaces = root.workspaces.filter((dir) => !droppedDirs.has(dir));
writeFileSync(rootFile, `${JSON.stringify(root, null, 2)}\n`);
console.log(`runtime workspaces: ${[...keep].join(', ')}; dropped: ${dropped.join(', ') || 'none'}`);
