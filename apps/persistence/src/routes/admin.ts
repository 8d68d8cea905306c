import { createHash, timingSafeEqual } from 'node:crypto';
import { BoardId, MeshboardError, type AdminBoard, type AdminBoardList } from '@meshboard/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { BoardStore } from '../store.js';

/**
 * The instance admin's view (issue 13 item 9): every board with its size, and delete. Exists only when
 * `MESHBOARD_ADMIN_TOKEN` is set; the token travels as `Authorization: Bearer <token>` and is compared in
 * constant time (both sides hashed to 32 bytes first, so neither the content nor the length leaks by timing).
 */

/** How many boards one listing returns (most recently updated first). */
export const ADMIN_LIST_LIMIT = 1000;

export function checkAdminToken(request: FastifyRequest, adminToken: string | undefined): void {
  if (!adminToken) throw new MeshboardError('not_found', 'no such route');
  const header = request.headers.authorization;
  const given = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (!given) throw new MeshboardError('unauthorized', 'the admin routes need the instance admin token');
  const expected = createHash('sha256').update(adminToken).digest();
  const actual = createHash('sha256').update(given).digest();
  if (!timingSafeEqual(expected, actual)) throw new MeshboardError('unauthorized', 'the admin token is not right');
}

export function registerAdminRoutes(app: FastifyInstance, deps: { prisma: PrismaClient; store: BoardStore }): void {
  const { prisma, store } = deps;

  app.get('/v1/admin/boards', { config: { access: 'admin' } }, async (_request, reply) => {
    const boards = await prisma.board.findMany({
      where: { deletedAt: null },
      orderBy: { updatedAt: 'desc' },
      take: ADMIN_LIST_LIMIT + 1,
      select: { id: true, title: true, createdAt: true, updatedAt: true },
    });
    const listed = boards.slice(0, ADMIN_LIST_LIMIT);
    const ids = listed.map((b) => b.id);
    // one aggregate per table, not per board
    const [snapshots, updates, history, blobs, threads] = await Promise.all([
      prisma.snapshot.findMany({ where: { boardId: { in: ids } }, select: { boardId: true, size: true } }),
      prisma.boardUpdate.groupBy({ by: ['boardId'], where: { boardId: { in: ids } }, _sum: { size: true } }),
      prisma.snapshotHistory.groupBy({ by: ['boardId'], where: { boardId: { in: ids } }, _sum: { size: true } }),
      prisma.blob.groupBy({ by: ['boardId'], where: { boardId: { in: ids } }, _sum: { size: true } }),
      prisma.commentThread.findMany({ where: { boardId: { in: ids } }, select: { boardId: true, _count: { select: { comments: true } } } }),
    ]);
    const sum = (rows: { boardId: string; _sum: { size: number | null } }[]) => new Map(rows.map((r) => [r.boardId, r._sum.size ?? 0]));
    const snapshotBytes = new Map(snapshots.map((s) => [s.boardId, s.size]));
    const logBytes = sum(updates);
    const historyBytes = sum(history);
    const blobBytes = sum(blobs);
    const comments = new Map<string, number>();
    for (const t of threads) comments.set(t.boardId, (comments.get(t.boardId) ?? 0) + t._count.comments);
    const list: AdminBoard[] = listed.map((b) => {
      const files = blobBytes.get(b.id) ?? 0;
      return {
        id: b.id,
        title: b.title,
        createdAt: b.createdAt.toISOString(),
        updatedAt: b.updatedAt.toISOString(),
        bytes: (snapshotBytes.get(b.id) ?? 0) + (logBytes.get(b.id) ?? 0) + (historyBytes.get(b.id) ?? 0) + files,
        blobBytes: files,
        comments: comments.get(b.id) ?? 0,
      };
    });
    const body: AdminBoardList = { boards: list, truncated: boards.length > ADMIN_LIST_LIMIT };
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.delete('/v1/admin/boards/:id', { config: { access: 'admin' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!BoardId.safeParse(id).success) throw new MeshboardError('board_not_found', 'no such board');
    await store.deleteBoard(id);
    return reply.code(204).send();
  });
}
