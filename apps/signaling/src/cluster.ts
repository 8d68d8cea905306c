import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@meshboard/service-kit';

/**
 * Presence that survives the death of a signaling process, when several share rooms over Redis.
 *
 * A process that exits cleanly disconnects its sockets and every peer hears `presence:leave`. One that is
 * killed (OOM, SIGKILL, a lost host) says nothing: the Socket.IO Redis adapter keeps no record of another
 * node's sockets, so their presence would stay on every other process's clients forever (ghost peers that the
 * sync layer keeps waiting for). So each process registers in Redis:
 *
 *   <prefix>:nodes                    set of node ids
 *   <prefix>:node:<id>:alive          heartbeat key, PX = deadAfterMs, refreshed every heartbeatMs
 *   <prefix>:node:<id>:sockets        hash sid -> board id of the joined sockets on that node
 *
 * Every heartbeat, each node looks for nodes whose heartbeat key expired; the first to take that node's reap
 * lock announces `presence:leave` for each of its sockets (through the adapter, so clients on every node hear
 * it) and deletes its entries. Meanwhile the dead node's clients reconnect — through the proxy, to a survivor —
 * and join again with new socket ids. A node that was only stalled past deadAfterMs (and so reaped) notices its
 * own expired key on the next beat and announces its sockets again (`onRevived`).
 */
export interface ClusterPresenceOptions {
  prefix?: string;
  heartbeatMs?: number;
  deadAfterMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 1000;
export const DEFAULT_DEAD_AFTER_MS = 5000;

export class ClusterPresence {
  readonly nodeId = randomUUID();
  private readonly prefix: string;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private readonly local = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private beating = false;
  private registered = false;

  constructor(
    private readonly redis: Redis,
    private readonly hooks: {
      /** announce that `sid` (on a dead node) left board `boardId`, to every node's clients */
      onDeadSocket: (boardId: string, sid: string) => void;
      /** this node was reaped while alive: announce these local sockets again */
      onRevived: (sids: string[]) => void;
    },
    private readonly logger: Logger,
    options: ClusterPresenceOptions = {},
  ) {
    this.prefix = options.prefix ?? 'meshboard-signaling:presence';
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.deadAfterMs = options.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS;
  }

  private key(id: string, part: 'alive' | 'sockets' | 'reap'): string {
    return `${this.prefix}:node:${id}:${part}`;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  track(sid: string, boardId: string): void {
    this.local.set(sid, boardId);
    this.redis.hset(this.key(this.nodeId, 'sockets'), sid, boardId).catch((error: Error) => this.warn('track', error));
  }

  untrack(sid: string): void {
    if (!this.local.delete(sid)) return;
    this.redis.hdel(this.key(this.nodeId, 'sockets'), sid).catch((error: Error) => this.warn('untrack', error));
  }

  /** Clean exit: this node's sockets are disconnected (and announced) by the server itself. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.local.clear();
    await Promise.allSettled([
      this.redis.del(this.key(this.nodeId, 'alive'), this.key(this.nodeId, 'sockets')),
      this.redis.srem(`${this.prefix}:nodes`, this.nodeId),
    ]);
  }

  private async beat(): Promise<void> {
    if (this.beating) return; // a slow Redis must not pile up beats
    this.beating = true;
    try {
      const refreshed = await this.redis.set(this.key(this.nodeId, 'alive'), '1', 'PX', this.deadAfterMs, 'XX');
      if (refreshed === null) {
        await this.redis.set(this.key(this.nodeId, 'alive'), '1', 'PX', this.deadAfterMs);
        await this.redis.sadd(`${this.prefix}:nodes`, this.nodeId);
        if (this.registered) {
          // we were presumed dead (stalled past deadAfterMs): our entries may have been reaped
          this.logger.warn({ node: this.nodeId, sockets: this.local.size }, 'signaling node was presumed dead; announcing its sockets again');
          if (this.local.size > 0) await this.redis.hset(this.key(this.nodeId, 'sockets'), Object.fromEntries(this.local));
          this.hooks.onRevived([...this.local.keys()]);
        }
        this.registered = true;
      }
      await this.reap();
    } catch (error) {
      this.warn('heartbeat', error as Error);
    } finally {
      this.beating = false;
    }
  }

  private async reap(): Promise<void> {
    const nodes = await this.redis.smembers(`${this.prefix}:nodes`);
    for (const id of nodes) {
      if (id === this.nodeId) continue;
      if ((await this.redis.exists(this.key(id, 'alive'))) === 1) continue;
      // one reaper per dead node
      if ((await this.redis.set(this.key(id, 'reap'), this.nodeId, 'PX', 30_000, 'NX')) === null) continue;
      const sockets = await this.redis.hgetall(this.key(id, 'sockets'));
      for (const [sid, boardId] of Object.entries(sockets)) this.hooks.onDeadSocket(boardId, sid);
      await this.redis.del(this.key(id, 'sockets'));
      await this.redis.srem(`${this.prefix}:nodes`, id);
      this.logger.warn({ node: id, sockets: Object.keys(sockets).length }, 'signaling node died: its connections left presence');
    }
  }

  private warn(what: string, error: Error): void {
    this.logger.warn({ err: error.message }, `cluster presence: ${what} failed`);
  }
}
