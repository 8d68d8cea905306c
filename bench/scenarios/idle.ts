/**
 * Idle cost per connection: reuses apps/signaling/bench/realtime.ts (BENCH_ONLY=idle), which opens N idle
 * connections 50 at a time against a fresh process of each server and reads RSS after a forced full GC:
 * Meshboard's Socket.IO service (joined with auth and presence, subscribed to the board's signaling topic),
 * Meshboard's stock /y-webrtc endpoint, y-webrtc's bin/server.js, and a bare Socket.IO server (the floor);
 * then y-websocket's server with the same method (idle-ywebsocket.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IdleResult } from '../../apps/signaling/bench/idle-memory.js';
import { log } from '../lib/util.js';
import { yWebsocketIdle } from './idle-ywebsocket.js';

const REALTIME = fileURLToPath(new URL('../../apps/signaling/bench/realtime.ts', import.meta.url));

export interface IdleRow {
  connections: number;
  system: string;
  /** KB (1000 bytes) of RSS per connection, after a full GC, from 1 to N connections */
  rssKBPerConnection: number;
  /** KB per connection from N/2 to N: what one more costs */
  marginalKB: number;
  heapKBPerConnection: number;
}

const NAMES: Record<string, string> = {
  meshboardSocketIo: 'Meshboard (Socket.IO, auth + presence)',
  meshboardStockEndpoint: 'Meshboard /y-webrtc endpoint',
  stockYwebrtcServer: 'y-webrtc server',
  bareSocketIo: 'bare Socket.IO (floor)',
};

export async function idleScenario(sizes: number[]): Promise<IdleRow[]> {
  const rows: IdleRow[] = [];
  for (const n of sizes) {
    log(`idle: ${n} connections per server (apps/signaling/bench/realtime.ts)`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mb-idle-'));
    const out = path.join(dir, 'idle.json');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', REALTIME], {
        env: { ...process.env, BENCH_ONLY: 'idle', BENCH_IDLE_CONNECTIONS: String(n), BENCH_JSON: out },
        stdio: ['ignore', 'ignore', 'inherit'],
        cwd: path.dirname(path.dirname(REALTIME)),
      });
      child.once('exit', resolve);
    });
    if (code !== 0) log(`   idle at ${n} failed (exit ${code})`);
    else rows.push(...realtimeRows(n, out));
    rmSync(dir, { recursive: true, force: true });
    log(`idle: ${n} y-websocket clients`);
    try {
      rows.push(idleRow(n, "y-websocket's server (WebsocketProvider, 10 per board)", await yWebsocketIdle(n)));
    } catch (error) {
      log(`   y-websocket idle at ${n} failed: ${String(error)}`);
    }
  }
  return rows;
}

/** realtime.ts's JSON (KiB) as rows in KB */
function realtimeRows(n: number, out: string): IdleRow[] {
  const result = JSON.parse(readFileSync(out, 'utf8')) as { idleMemory: Record<string, IdleResult> };
  return Object.entries(result.idleMemory).map(([key, r]) => idleRow(n, NAMES[key] ?? key, r));
}

const idleRow = (connections: number, system: string, r: IdleResult): IdleRow => ({
  connections,
  system,
  rssKBPerConnection: Number((r.perConnectionKiB * 1.024).toFixed(1)),
  marginalKB: Number((r.marginalKiB * 1.024).toFixed(1)),
  heapKBPerConnection: Number((r.heapKiB * 1.024).toFixed(1)),
});
