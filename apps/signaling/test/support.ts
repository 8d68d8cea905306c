import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, FailureBody, JoinAck, ServerToClientEvents } from '@meshboard/protocol';
import { createLogger } from '@meshboard/service-kit';
import type { SignalingServer, createSignalingServer as CreateSignalingServer } from '../src/server.js';
import { loadConfig, type SignalingConfig } from '../src/config.js';
import { SECRET } from './secret.js';

export { SECRET };

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function startServer(overrides: Partial<SignalingConfig> = {}, env: Record<string, string> = {}): Promise<SignalingServer> {
  const config = {
    ...loadConfig({ MESHBOARD_TOKEN_SECRET: SECRET, SIGNALING_PORT: '0', ...env }),
    ...overrides,
  };
  // SIGNALING_SERVER_MODULE: run the in-process tests against another build (e.g. the code before a fix)
  const { createSignalingServer } = (await import(process.env.SIGNALING_SERVER_MODULE ?? '../src/server.js')) as { createSignalingServer: typeof CreateSignalingServer };
  const server = createSignalingServer(config, { logger: createLogger('signaling-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  await server.listen();
  return server;
}

export function client(url: string, options: Record<string, unknown> = {}): Client {
  return connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options }) as Client;
}

export async function connected(socket: Client): Promise<Client> {
  if (socket.connected) return socket;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export function join(socket: Client, request: Record<string, unknown>): Promise<JoinAck> {
  return socket.timeout(10_000).emitWithAck('join', request as never) as Promise<JoinAck>;
}

let n = 0;
export function user(name = `user${++n}`) {
  return { id: `u-${name}`, name, color: '#3366ff' };
}

/** Resolves with the next event of that name. */
export function next<T = unknown>(socket: Client, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as { once(e: string, f: (v: T) => void): void }).once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export function collect<T = unknown>(socket: Client, event: string): T[] {
  const items: T[] = [];
  (socket as unknown as { on(e: string, f: (v: T) => void): void }).on(event, (value: T) => items.push(value));
  return items;
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export type { FailureBody };

/** One y-protocols awareness update (as `encodeAwarenessUpdate` writes it) for `clientId`. */
/** the states of one y-protocols awareness update as the service forwards it (one, or a tick's batch of several) */
export function awarenessStates(data: Uint8Array | ArrayBuffer): Array<{ clientId: number; clock: number; state: unknown }> {
  const decoder = decoding.createDecoder(data instanceof Uint8Array ? data : new Uint8Array(data));
  const out: Array<{ clientId: number; clock: number; state: unknown }> = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    out.push({ clientId, clock, state: JSON.parse(decoding.readVarString(decoder)) as unknown });
  }
  return out;
}

export function awarenessUpdate(clientId: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}
