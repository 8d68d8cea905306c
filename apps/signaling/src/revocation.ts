import { SocketEvent, roomOf, type MeshboardError, type TokenClaims } from '@meshboard/protocol';
import type { Logger } from '@meshboard/service-kit';
import { grantKey } from '@meshboard/tokens';
import type { TokenAuthority } from './auth.js';
import type { IoServer } from './hub.js';
import type { SignalingMetrics } from './metrics.js';

/** A connection the revalidation looks at: live (can be kicked) or recently closed (only its peer ids matter). */
export interface Checked {
  claims: TokenClaims;
  token: string;
  peerIds: Iterable<string>;
  /** live connections: close it (with this error) */
  kick?: (error: MeshboardError) => void;
}

/**
 * Revocation reaches peer-to-peer links (defect 5 of issue 11). Closing a revoked connection's signaling does
 * not close its WebRTC data channels: those go straight to the other peers. So when the service learns that a
 * connection's access ended, it tells everyone on the board which y-webrtc peer id(s) that connection spoke
 * for (`peers:revoked`), and clients drop and refuse links to them (packages/sync `revocation.ts`).
 *
 * Connections that closed on their own (a stock y-webrtc client whose reconnect is then refused, a tab gone
 * offline) are remembered for two revalidation periods: if their token turns out revoked, their peer ids are
 * announced too, so a link whose signaling vanished just before a rotation is still cut.
 */
export class PeerRevocations {
  private recent: Array<Checked & { until: number }> = [];

  constructor(
    private readonly io: IoServer,
    private readonly authority: TokenAuthority,
    private readonly metrics: SignalingMetrics,
    private readonly logger: Logger,
    private readonly keepMs: number,
  ) {}

  /** a connection with these peer ids closed; re-check its token at the next revalidations */
  closed(claims: TokenClaims, token: string, peerIds: Iterable<string>): void {
    const ids = [...peerIds];
    if (ids.length === 0) return;
    const now = Date.now();
    this.recent = this.recent.filter((r) => r.until > now);
    if (this.recent.length >= 10_000) this.recent.shift();
    this.recent.push({ claims, token, peerIds: ids, until: now + this.keepMs });
  }

  /** Tell every peer on the board (every node) to drop and refuse links to these peer ids. */
  announce(boardId: string, peerIds: Iterable<string>): void {
    const ids = [...new Set(peerIds)];
    if (ids.length === 0) return;
    for (let i = 0; i < ids.length; i += 256) {
      this.io.to(roomOf.board(boardId)).emit(SocketEvent.peersRevoked, { peerIds: ids.slice(i, i + 256) });
    }
    this.metrics.peersRevoked.inc(ids.length);
    this.logger.info({ board: boardId, peers: ids.length }, 'revoked WebRTC peers announced');
  }

  /** Re-check every given (and recently closed) connection once per grant (board, link role, generation, expiry); act on revocations. */
  async revalidate(live: Checked[]): Promise<void> {
    const now = Date.now();
    this.recent = this.recent.filter((r) => r.until > now);
    const byKey = new Map<string, { token: string; boardId: string; entries: Checked[] }>();
    for (const entry of [...live, ...this.recent]) {
      const key = grantKey(entry.claims); // each link role has its own generation (issue 13)
      const group = byKey.get(key) ?? { token: entry.token, boardId: entry.claims.b, entries: [] };
      group.entries.push(entry);
      byKey.set(key, group);
    }
    for (const { token, boardId, entries } of byKey.values()) {
      const result = await this.authority.check(token);
      if (result.ok || (result.error.code !== 'token_revoked' && result.error.code !== 'board_not_found')) continue;
      const peerIds: string[] = [];
      for (const entry of entries) {
        peerIds.push(...entry.peerIds);
        entry.kick?.(result.error);
      }
      this.recent = this.recent.filter((r) => !entries.includes(r));
      this.announce(boardId, peerIds);
    }
  }
}
