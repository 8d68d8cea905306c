import { randomBytes } from 'node:crypto';
import {
  CommentSettings,
  MeshboardError,
  NewThreadRequest,
  ReplyRequest,
  ThreadId,
  ThreadStateRequest,
  commentLimits,
  type CommentList,
  type CommentThread,
} from '@meshboard/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Grant } from '../http/access.js';
import type { RequestLimiter, StoreLimits } from '../http/limits.js';

/**
 * Comments (issue 13 item 5), stored here beside the board's document (see README, "Comments"). Reading needs
 * any current link of the board; writing needs an edit/owner link, or a view link when the owner turned on
 * `viewersMayComment`. The route's `config.access` is `view` so the store's door verifies the token (HMAC,
 * generation, expiry) before the body is read; the write rule is checked here against the board row read
 * fresh from the database, so a setting changed on another store process applies at once.
 */
export interface CommentRouteDeps {
  prisma: PrismaClient;
  limits: StoreLimits;
  tokenKeyOf(request: FastifyRequest): string | undefined;
  granted(request: FastifyRequest): Grant;
  jsonBody(request: FastifyRequest): unknown;
  parseWith<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } } }, value: unknown): T;
}

const THREAD_INCLUDE = { comments: { orderBy: { createdAt: 'asc' as const } } };

type ThreadRow = {
  id: string;
  boardId: string;
  x: number;
  y: number;
  shapeId: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  comments: { id: string; authorId: string; authorName: string; body: string; createdAt: Date }[];
};

function threadOf(row: ThreadRow): CommentThread {
  return {
    id: row.id,
    boardId: row.boardId,
    anchor: { x: row.x, y: row.y, ...(row.shapeId ? { shapeId: row.shapeId } : {}) },
    resolved: row.resolvedAt !== null,
    resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    comments: row.comments.map((c) => ({ id: c.id, author: { id: c.authorId, name: c.authorName }, body: c.body, createdAt: c.createdAt.toISOString() })),
  };
}

const newId = () => randomBytes(16).toString('base64url');

export function registerCommentRoutes(app: FastifyInstance, deps: CommentRouteDeps): void {
  const { prisma, granted } = deps;
  // Comment writes have their own, smaller budget per link: chat-like text from many view links must not be
  // able to fill the database at the store's general per-token rate.
  const writes: RequestLimiter = deps.limits.limitHook('comment', commentLimits.writesPerMinute, 60_000, deps.tokenKeyOf);

  async function viewersMayComment(boardId: string): Promise<boolean> {
    const row = await prisma.board.findUnique({ where: { id: boardId }, select: { viewersMayComment: true } });
    return row?.viewersMayComment ?? false;
  }

  async function mayWrite(grant: Grant): Promise<boolean> {
    return grant.role === 'edit' || (await viewersMayComment(grant.board.id));
  }

  /** The write rule, then the comment budget: a refused view link does not use it up. */
  async function checkWrite(request: FastifyRequest, reply: FastifyReply): Promise<Grant> {
    const grant = granted(request);
    if (!(await mayWrite(grant))) throw new MeshboardError('forbidden', 'this view-only link cannot comment (the board owner can allow it)');
    await writes.check(request, reply);
    return grant;
  }

  function threadIdOf(request: FastifyRequest): string {
    const { threadId } = request.params as { threadId: string };
    if (!ThreadId.safeParse(threadId).success) throw new MeshboardError('not_found', 'no such comment thread');
    return threadId;
  }

  async function loadThread(boardId: string, threadId: string): Promise<ThreadRow> {
    const row = await prisma.commentThread.findFirst({ where: { id: threadId, boardId }, include: THREAD_INCLUDE });
    if (!row) throw new MeshboardError('not_found', 'no such comment thread');
    return row;
  }

  app.get('/v1/boards/:id/comments', { config: { access: 'view' } }, async (request, reply) => {
    const grant = granted(request);
    const [rows, allowed] = await Promise.all([
      prisma.commentThread.findMany({ where: { boardId: grant.board.id }, orderBy: { createdAt: 'asc' }, include: THREAD_INCLUDE, take: commentLimits.maxThreadsPerBoard }),
      viewersMayComment(grant.board.id),
    ]);
    const body: CommentList = { threads: rows.map(threadOf), viewersMayComment: allowed, canComment: grant.role === 'edit' || allowed };
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.post('/v1/boards/:id/comments', { bodyLimit: 16 * 1024, config: { access: 'view' } }, async (request, reply) => {
    const { board } = await checkWrite(request, reply);
    const body = deps.parseWith(NewThreadRequest, deps.jsonBody(request));
    const count = await prisma.commentThread.count({ where: { boardId: board.id } });
    if (count >= commentLimits.maxThreadsPerBoard) {
      throw new MeshboardError('payload_too_large', `this board already has ${commentLimits.maxThreadsPerBoard} comment threads; delete or resolve old ones`);
    }
    const now = new Date();
    const row = await prisma.commentThread.create({
      data: {
        id: newId(),
        boardId: board.id,
        x: body.anchor.x,
        y: body.anchor.y,
        shapeId: body.anchor.shapeId ?? null,
        createdAt: now,
        updatedAt: now,
        comments: { create: [{ id: newId(), authorId: body.author.id, authorName: body.author.name, body: body.body, createdAt: now }] },
      },
      include: THREAD_INCLUDE,
    });
    return reply.code(201).header('cache-control', 'no-store').send(threadOf(row));
  });

  app.post('/v1/boards/:id/comments/:threadId/replies', { bodyLimit: 16 * 1024, config: { access: 'view' } }, async (request, reply) => {
    const { board } = await checkWrite(request, reply);
    const threadId = threadIdOf(request);
    const body = deps.parseWith(ReplyRequest, deps.jsonBody(request));
    const thread = await loadThread(board.id, threadId);
    if (thread.comments.length >= commentLimits.maxCommentsPerThread) {
      throw new MeshboardError('payload_too_large', `a thread holds at most ${commentLimits.maxCommentsPerThread} comments; start a new one`);
    }
    const now = new Date();
    await prisma.$transaction([
      prisma.comment.create({ data: { id: newId(), threadId, authorId: body.author.id, authorName: body.author.name, body: body.body, createdAt: now } }),
      prisma.commentThread.update({ where: { id: threadId }, data: { updatedAt: now } }),
    ]);
    return reply.code(201).header('cache-control', 'no-store').send(threadOf(await loadThread(board.id, threadId)));
  });

  app.patch('/v1/boards/:id/comments/:threadId', { bodyLimit: 1024, config: { access: 'view' } }, async (request, reply) => {
    const { board } = await checkWrite(request, reply);
    const threadId = threadIdOf(request);
    const body = deps.parseWith(ThreadStateRequest, deps.jsonBody(request));
    const now = new Date();
    const updated = await prisma.commentThread.updateMany({ where: { id: threadId, boardId: board.id }, data: { resolvedAt: body.resolved ? now : null, updatedAt: now } });
    if (updated.count === 0) throw new MeshboardError('not_found', 'no such comment thread');
    return reply.header('cache-control', 'no-store').send(threadOf(await loadThread(board.id, threadId)));
  });

  app.put('/v1/boards/:id/comment-settings', { bodyLimit: 1024, config: { access: 'owner' } }, async (request, reply) => {
    const { board } = granted(request);
    const body = deps.parseWith(CommentSettings, deps.jsonBody(request));
    await prisma.board.update({ where: { id: board.id }, data: { viewersMayComment: body.viewersMayComment } });
    const answer: CommentSettings = { viewersMayComment: body.viewersMayComment };
    return reply.header('cache-control', 'no-store').send(answer);
  });
}
