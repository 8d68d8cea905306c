import type { BoardLinks} from '@meshboard/protocol';
import { LinkRole, MeshboardError, SetLinkRequest, type BoardLink } from '@meshboard/protocol';
import { issueToken, visibleLinks } from '@meshboard/tokens';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Grant } from '../http/access.js';
import type { BoardRecord, BoardStore } from '../store.js';

/**
 * The link model of issue 13, on the store (which owns every link's generation and expiry):
 *
 *   GET  /v1/boards/:id/links               (edit)  re-issues the links the holder may share: owner all three,
 *                                                    edit the edit and view links. View links get 403.
 *   PUT  /v1/boards/:id/links/:role         (owner) `{expiresAt}` sets or clears that kind's expiry
 *   POST /v1/boards/:id/links/:role/rotate  (owner) revokes that kind only (its generation moves on)
 *
 * Re-issuing means the share dialog never depends on the browser that created the board. Issued tokens carry
 * the kind's expiry as claim `x`, so signaling refuses an expired link even while the store is unreachable.
 */
export interface LinkRouteDeps {
  store: BoardStore;
  tokenSecret: string;
  granted(request: FastifyRequest): Grant;
  jsonBody(request: FastifyRequest): unknown;
  parseWith<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } } }, value: unknown): T;
}

/** Every link of `board` the holder of `as` may see, at the board's current generations and expiries. */
export function issueLinks(tokenSecret: string, board: BoardRecord, roles: readonly LinkRole[]): BoardLink[] {
  return roles.map((role) => {
    const { generation, expiresAt } = board.links[role];
    const x = expiresAt ? Math.ceil(expiresAt.getTime() / 1000) : undefined;
    return {
      role,
      token: issueToken(tokenSecret, { b: board.id, r: role, g: generation, ...(x ? { x } : {}) }),
      generation,
      expiresAt: expiresAt ? expiresAt.toISOString() : null,
    };
  });
}

function roleParam(request: FastifyRequest): LinkRole {
  const parsed = LinkRole.safeParse((request.params as { role?: unknown }).role);
  if (!parsed.success) throw new MeshboardError('bad_request', 'role: one of owner, edit, view');
  return parsed.data;
}

export function registerLinkRoutes(app: FastifyInstance, deps: LinkRouteDeps): void {
  const { store, tokenSecret, granted } = deps;
  const answer = (board: BoardRecord, as: LinkRole): BoardLinks => ({ as, links: issueLinks(tokenSecret, board, visibleLinks(as)) });

  app.get('/v1/boards/:id/links', { config: { access: 'edit' } }, async (request, reply) => {
    const { board, link } = granted(request);
    return reply.header('cache-control', 'no-store').send(answer(board, link));
  });

  app.put('/v1/boards/:id/links/:role', { bodyLimit: 4096, config: { access: 'owner' } }, async (request, reply) => {
    const { board, link } = granted(request);
    const role = roleParam(request);
    const body = deps.parseWith(SetLinkRequest, deps.jsonBody(request));
    const expiresAt = body.expiresAt === null ? null : new Date(body.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new MeshboardError('bad_request', 'expiresAt: must be in the future (rotate the link to revoke it now)');
    if (expiresAt && role === 'owner') {
      // an owner link that expires leaves a board nobody can manage: refuse rather than lock everyone out
      throw new MeshboardError('bad_request', 'the owner link cannot expire; rotate it instead');
    }
    const updated = await store.setLinkExpiry(board.id, role, expiresAt);
    return reply.header('cache-control', 'no-store').send(answer(updated, link));
  });

  app.post('/v1/boards/:id/links/:role/rotate', { config: { access: 'owner' } }, async (request, reply) => {
    const { board, link } = granted(request);
    const role = roleParam(request);
    const updated = await store.rotateLink(board.id, role);
    // a legacy board's owner who rotates the edit link keeps managing: legacy mode ends, so hand back the owner
    // link they now need (it was never issued before); `as` stays what they presented
    return reply.header('cache-control', 'no-store').send(answer(updated, link));
  });
}
