/**
 * The real signaling service (apps/signaling, `node dist/main.js`) as a child process on an ephemeral port,
 * for the tests of this package that need live peers. It is started as a process and never imported
 * (apps/signaling depends on this package; a dev dependency back would be a cycle), so build it first:
 * `npx turbo run build --filter=@meshboard/signaling...`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SIGNALING_MAIN = fileURLToPath(new URL('../../../../apps/signaling/dist/main.js', import.meta.url));

export interface SignalingProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** start again on the same port */
  restart(): Promise<void>;
}

export async function startSignaling(env: { secret: string; persistenceUrl: string; extra?: Record<string, string> }): Promise<SignalingProcess> {
  if (!existsSync(SIGNALING_MAIN)) throw new Error(`${SIGNALING_MAIN} is missing: build apps/signaling first`);
  let port = 0;
  let child!: ChildProcess;
  const launch = async () => {
    child = spawn(process.execPath, [SIGNALING_MAIN], {
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        SIGNALING_PORT: String(port),
        SIGNALING_HOST: '127.0.0.1',
        MESHBOARD_TOKEN_SECRET: env.secret,
        PERSISTENCE_URL: env.persistenceUrl,
        ...env.extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-32_000)));
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`signaling did not start: ${log}`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        log = (log + d.toString()).slice(-32_000);
        const m = /"port":(\d+)[^\n]*signaling listening/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`signaling exited ${code}: ${log}`));
      });
    });
  };
  await launch();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get child() {
      return child;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
    restart: launch,
  };
}
