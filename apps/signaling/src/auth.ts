import { MeshboardError, apiPaths, type BoardId, type TokenClaims } from '@meshboard/protocol';
import { checkGeneration, grantKey, verifyToken } from '@meshboard/tokens';
import type { Logger } from '@meshboard/service-kit';
import type { SignalingMetrics } from './metrics.js';

export type AuthResult = { ok: true; claims: TokenClaims } | { ok: false; error: MeshboardError };

type Verdict = 'ok' | 'revoked' | 'expired' | 'not_found';

/**
 * Token checks for every path into the service.
 *
 * 1. The HMAC, shape and board are verified locally (`@meshboard/tokens`): no network, constant time.
 * 2. The token generation is checked against persistence, which owns it: `GET /v1/boards/:id` with the token
 *    answers 200 (current), 401 `token_revoked` (rotated or expired) or 404 (deleted). The verdict is cached per
 *    grant (board, link role, generation, expiry claim) for `cacheMs`, so a join storm costs one request per board, and a rotation takes
 *    effect within `cacheMs` for new joins and within the revalidation interval for live connections.
 * 3. Persistence unreachable (down, timeout, 5xx): FAIL OPEN on a valid signature. The realtime path must keep
 *    working while the store is down (P2P never depends on it), and a valid HMAC proves the token was issued
 *    by us; only a rotation in that window is not enforced. A cached `revoked` / `not_found` verdict still
 *    refuses. Counted in `meshboard_signaling_token_generation_checks_total{result="unreachable"}` and logged.
 *    The window is bounded: only within `failOpenMs` of the store's last answer (or of this process' start).
 *    Past that, new joins get `unavailable` (clients retry) until the store answers again, so a store that is
 *    kept down (or cut off from this node) cannot turn a rotated link back into a working one for long.
 */
export class TokenAuthority {
  private readonly cache = new Map<string, { verdict: Verdict; at: number }>();
  private readonly inflight = new Map<string, Promise<Verdict | 'unreachable'>>();
  /** when persistence last answered a generation check (any verdict); starts at construction */
  private lastAnsweredAt = Date.now();

  constructor(
    private readonly secret: string,
    private readonly persistenceUrl: string,
    private readonly cacheMs: number,
    private readonly logger: Logger,
    private readonly metrics: SignalingMetrics,
    private readonly failOpenMs: number = Number.POSITIVE_INFINITY,
  ) {}

  async check(token: unknown, boardId?: BoardId): Promise<AuthResult> {
    const local = verifyToken(this.secret, token, boardId);
    if (!local.ok) return local;
    const verdict = await this.verdict(token as string, local.claims);
    if (verdict === 'revoked') return { ok: false, error: checkGeneration(local.claims, local.claims.g + 1)! };
    // same code as a rotation (clients treat both as final); the message says which (issue 13 expiries)
    if (verdict === 'expired') return { ok: false, error: new MeshboardError('token_revoked', 'this link expired; ask the board owner for a new one') };
    if (verdict === 'not_found') return { ok: false, error: new MeshboardError('board_not_found', 'this board does not exist') };
    if (verdict === 'unreachable' && Date.now() - this.lastAnsweredAt > this.failOpenMs) {
      this.metrics.authChecks.inc({ result: 'fail_open_expired' });
      return { ok: false, error: new MeshboardError('unavailable', 'the board store is unreachable; try again shortly') };
    }
    return local;
  }

  private async verdict(token: string, claims: TokenClaims): Promise<Verdict | 'unreachable'> {
    // per grant, not per board: owner, edit and view links have their own generations and expiries (issue 13)
    const key = grantKey(claims);
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < this.cacheMs) {
      this.metrics.authChecks.inc({ result: 'cached' });
      return cached.verdict;
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.ask(token, claims).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const verdict = await pending;
    if (verdict === 'unreachable') {
      // keep refusing what we know was refused; otherwise fail open (see class comment)
      return cached && cached.verdict !== 'ok' ? cached.verdict : 'unreachable';
    }
    this.cache.set(key, { verdict, at: Date.now() });
    if (this.cache.size > 10_000) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return verdict;
  }

  private async ask(token: string, claims: TokenClaims): Promise<Verdict | 'unreachable'> {
    try {
      const response = await fetch(this.persistenceUrl + apiPaths.board(claims.b), {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(2000),
      });
      const body = await response.text().catch(() => '');
      if (response.ok || response.status === 404 || response.status === 401 || response.status === 403) this.lastAnsweredAt = Date.now();
      if (response.ok) return this.count('ok');
      if (response.status === 404) return this.count('not_found');
      if (response.status === 401 || response.status === 403) return this.count(/expired/.test(body) ? 'expired' : 'revoked');
      this.logger.warn({ status: response.status, board: claims.b }, 'persistence answered the generation check with an error; failing open');
      return this.count('unreachable');
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, board: claims.b }, 'persistence unreachable for the generation check; failing open');
      return this.count('unreachable');
    }
  }

  private count<T extends Verdict | 'unreachable'>(result: T): T {
    this.metrics.authChecks.inc({ result });
    return result;
  }

  /** Forget what is known about a board (e.g. after a revocation message). */
  forget(boardId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${boardId}:`)) this.cache.delete(key);
  }
}
