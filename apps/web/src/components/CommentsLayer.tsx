'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Board } from '@meshboard/board';
import type { CanvasEngine } from '@meshboard/canvas';
import { MeshboardError, commentLimits, type CommentAnchor, type CommentThread } from '@meshboard/protocol';
import { listComments, openThread, replyTo, setResolved, setViewersMayComment } from '../lib/board-api';
import { isUnread, loadSeen, markSeen } from '../lib/comments-seen';
import { loadUser } from '../lib/identity';
import { describeError } from '../lib/store-api';
import styles from './comments.module.css';

/** How often an open board re-reads its comments (the live nudge; see the persistence README, "Comments"). */
export const COMMENTS_POLL_MS = 4_000;

interface Props {
  storeUrl: string;
  boardId: string;
  token: string;
  /** the link kind: owners see the "view links may comment" setting */
  link: 'owner' | 'edit' | 'view';
  engine: CanvasEngine;
  board: Board;
  /** the element the canvas fills (pins are placed relative to it) */
  host: HTMLElement | null;
}

/** Where a thread's pin sits on the board: on its shape (top-right corner) while that exists, else its point. */
function anchorPoint(board: Board, anchor: CommentAnchor): { x: number; y: number } {
  const shape = anchor.shapeId ? board.getShape(anchor.shapeId) : undefined;
  return shape ? { x: shape.x + shape.w, y: shape.y } : { x: anchor.x, y: anchor.y };
}

/**
 * Comments (issue 13 item 5): pins on the board, a panel of threads (reply, resolve, reopen), unread markers
 * per browser, and for the owner the setting that lets view links comment. The store decides who may write
 * (`canComment` in its answer only hides what it would refuse anyway).
 */
export function CommentsLayer({ storeUrl, boardId, token, link, engine, board, host }: Props) {
  const [threads, setThreads] = useState<CommentThread[]>([]);
  const [canComment, setCanComment] = useState(false);
  const [viewersMayComment, setViewersMay] = useState(false);
  const [open, setOpen] = useState(false);
  const [placing, setPlacing] = useState(false);
  const [draft, setDraft] = useState<{ anchor: CommentAnchor; text: string } | null>(null);
  const [replies, setReplies] = useState<Record<string, string>>({});
  const [focus, setFocus] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [seen, setSeen] = useState<Record<string, string>>({});
  const [, setFrame] = useState(0);
  const author = useRef<{ id: string; name: string } | null>(null);

  const authorNow = () => {
    const user = loadUser();
    author.current = { id: user.id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64) || 'anonymous', name: user.name.trim().slice(0, commentLimits.maxAuthorNameLength) || 'Anonymous' };
    return author.current;
  };

  const refresh = useCallback(async () => {
    try {
      const list = await listComments(storeUrl, boardId, token);
      setThreads(list.threads);
      setCanComment(list.canComment);
      setViewersMay(list.viewersMayComment);
    } catch (e) {
      if (!(e instanceof MeshboardError)) return; // the store is away: the connection status says so already
    }
  }, [storeUrl, boardId, token]);

  useEffect(() => {
    setSeen(loadSeen(boardId));
    void refresh();
    const timer = setInterval(() => void refresh(), COMMENTS_POLL_MS);
    return () => clearInterval(timer);
  }, [boardId, refresh]);

  // an open panel shows every thread: they are seen
  useEffect(() => {
    if (open) setSeen(markSeen(boardId, threads));
  }, [open, threads, boardId]);

  // pins follow pan, zoom and their shapes: re-render when the camera or a pinned shape moved
  const pinnedShapes = useRef<string[]>([]);
  pinnedShapes.current = [...threads.map((t) => t.anchor.shapeId), draft?.anchor.shapeId].filter((id): id is string => !!id);
  useEffect(() => {
    let raf = 0;
    let last = '';
    const tick = () => {
      const c = engine.editor.camera;
      let now = `${c.x},${c.y},${c.zoom}`;
      for (const id of pinnedShapes.current) {
        const shape = board.getShape(id);
        now += shape ? `|${shape.x},${shape.y},${shape.w}` : '|-';
      }
      if (now !== last) {
        last = now;
        setFrame((n) => n + 1);
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [engine, board]);

  useEffect(() => {
    if (!placing) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setPlacing(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [placing]);

  const applyThread = (thread: CommentThread) => {
    setThreads((all) => (all.some((t) => t.id === thread.id) ? all.map((t) => (t.id === thread.id ? thread : t)) : [...all, thread]));
    setSeen(markSeen(boardId, [thread]));
  };

  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
      void refresh();
    }
  };

  const startOnSelection = () => {
    const selected = engine.getState().selection[0];
    const shape = selected ? board.getShape(selected) : undefined;
    if (!shape) return;
    setPlacing(false);
    setDraft({ anchor: { x: shape.x + shape.w, y: shape.y, shapeId: shape.id }, text: '' });
  };

  const unread = threads.filter((t) => isUnread(t, seen));
  const visible = threads.filter((t) => showResolved || !t.resolved);
  const screen = (p: { x: number; y: number }) => engine.editor.camera.worldToScreen(p);
  const offset = host?.getBoundingClientRect() ?? { left: 0, top: 0 };

  return (
    <>
      <button
        type="button"
        className={`btn ${styles.toggle}`}
        data-testid="comments-button"
        data-unread={unread.length}
        aria-pressed={open}
        onClick={() => setOpen((o) => !o)}
        title="Comments"
        aria-label="Comments"
      >
        <svg width="20" height="20" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" aria-hidden>
          <path d="M4 4h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H9l-4 3v-3H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z" />
        </svg>
        <span className="hide-narrow">Comments</span>
        {unread.length > 0 ? (
          <span className={styles.count} data-testid="comments-unread-count">
            {unread.length}
          </span>
        ) : null}
      </button>

      {placing ? (
        <div
          className={styles.placing}
          data-testid="comment-placing"
          onPointerDown={(e) => {
            const world = engine.editor.camera.screenToWorld({ x: e.clientX - offset.left, y: e.clientY - offset.top });
            setPlacing(false);
            setDraft({ anchor: { x: Math.round(world.x), y: Math.round(world.y) }, text: '' });
          }}
        >
          <span className={styles.hint}>Click where the comment goes · Esc to cancel</span>
        </div>
      ) : null}

      {threads
        .filter((t) => !t.resolved || focus === t.id)
        .map((thread, index) => {
          const at = screen(anchorPoint(board, thread.anchor));
          return (
            <button
              type="button"
              key={thread.id}
              className={`${styles.pin} ${isUnread(thread, seen) ? styles.unread : ''} ${thread.resolved ? styles.resolvedPin : ''}`}
              style={{ left: offset.left + at.x, top: offset.top + at.y }}
              data-testid="comment-pin"
              data-thread-id={thread.id}
              data-unread={isUnread(thread, seen) ? 'true' : 'false'}
              aria-label={`Comment thread ${index + 1}: ${thread.comments[0]?.body ?? ''}`}
              onClick={() => {
                setOpen(true);
                setFocus(thread.id);
              }}
            >
              {index + 1}
            </button>
          );
        })}

      {draft ? (
        <form
          className={styles.composer}
          style={{ left: offset.left + screen(anchorPoint(board, draft.anchor)).x + 14, top: offset.top + screen(anchorPoint(board, draft.anchor)).y }}
          data-testid="comment-composer"
          onSubmit={(e) => {
            e.preventDefault();
            const text = draft.text.trim();
            if (!text) return;
            void run(async () => {
              const thread = await openThread(storeUrl, boardId, token, draft.anchor, text, authorNow());
              applyThread(thread);
              setDraft(null);
              setOpen(true);
              setFocus(thread.id);
            });
          }}
        >
          <textarea
            className="input"
            data-testid="comment-input"
            aria-label="Comment"
            autoFocus
            maxLength={commentLimits.maxBodyLength}
            value={draft.text}
            onChange={(e) => setDraft({ ...draft, text: e.target.value })}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Escape') setDraft(null);
            }}
          />
          <span className="row">
            <button type="submit" className="btn small primary" data-testid="comment-submit" disabled={!draft.text.trim()}>
              Comment
            </button>
            <button type="button" className="btn small" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </span>
        </form>
      ) : null}

      {open ? (
        <aside className={styles.panel} data-testid="comments-panel" aria-label="Comments">
          <header className={styles.head}>
            <strong>Comments</strong>
            <button type="button" className="btn ghost small" onClick={() => setOpen(false)} aria-label="Close comments">
              ✕
            </button>
          </header>
          {canComment ? (
            <span className="row">
              <button type="button" className="btn small" data-testid="comment-add" onClick={() => setPlacing(true)}>
                Add a comment
              </button>
              <button type="button" className="btn small" data-testid="comment-on-selection" disabled={engine.getState().selection.length === 0} onClick={startOnSelection}>
                On selection
              </button>
            </span>
          ) : (
            <p className="muted small" data-testid="comments-read-only">
              This view-only link can read comments; the board owner can allow it to comment.
            </p>
          )}
          {link === 'owner' ? (
            <label className={`small ${styles.setting}`}>
              <input
                type="checkbox"
                data-testid="comments-viewers-may-comment"
                checked={viewersMayComment}
                onChange={(e) => {
                  const value = e.target.checked;
                  // shown at once; a refusal re-reads the store's setting (run() refreshes on error)
                  setViewersMay(value);
                  void run(async () => {
                    const saved = await setViewersMayComment(storeUrl, boardId, token, value);
                    setViewersMay(saved.viewersMayComment);
                  });
                }}
              />
              View-only links may comment
            </label>
          ) : null}
          {error ? (
            <p className="error small" role="alert" data-testid="comments-error">
              {error}
            </p>
          ) : null}
          <ol className={styles.threads} data-testid="comment-threads">
            {visible.length === 0 ? <li className="muted small">No comments yet.</li> : null}
            {visible.map((thread) => (
              <li
                key={thread.id}
                className={`${styles.thread} ${focus === thread.id ? styles.focused : ''}`}
                data-testid="comment-thread"
                data-thread-id={thread.id}
                data-resolved={thread.resolved ? 'true' : 'false'}
                onClick={() => setFocus(thread.id)}
              >
                <span className={styles.number}>#{threads.indexOf(thread) + 1}</span>
                {thread.comments.map((comment) => (
                  <div key={comment.id} className={styles.comment} data-testid="comment">
                    <span className="small">
                      <strong data-testid="comment-author">{comment.author.name}</strong>{' '}
                      <span className="muted">{new Date(comment.createdAt).toLocaleTimeString()}</span>
                    </span>
                    <p data-testid="comment-body">{comment.body}</p>
                  </div>
                ))}
                {canComment ? (
                  <form
                    className="row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const text = (replies[thread.id] ?? '').trim();
                      if (!text) return;
                      void run(async () => {
                        applyThread(await replyTo(storeUrl, boardId, token, thread.id, text, authorNow()));
                        setReplies((r) => ({ ...r, [thread.id]: '' }));
                      });
                    }}
                  >
                    <input
                      className="input"
                      data-testid="comment-reply-input"
                      aria-label="Reply"
                      placeholder="Reply…"
                      maxLength={commentLimits.maxBodyLength}
                      value={replies[thread.id] ?? ''}
                      onChange={(e) => setReplies((r) => ({ ...r, [thread.id]: e.target.value }))}
                      onKeyDown={(e) => e.stopPropagation()}
                    />
                    <button type="submit" className="btn small" data-testid="comment-reply">
                      Reply
                    </button>
                    <button
                      type="button"
                      className="btn small"
                      data-testid={thread.resolved ? 'comment-reopen' : 'comment-resolve'}
                      onClick={() => void run(async () => applyThread(await setResolved(storeUrl, boardId, token, thread.id, !thread.resolved)))}
                    >
                      {thread.resolved ? 'Reopen' : 'Resolve'}
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ol>
          <label className="small muted">
            <input type="checkbox" data-testid="comments-show-resolved" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> Show resolved (
            {threads.filter((t) => t.resolved).length})
          </label>
        </aside>
      ) : null}
    </>
  );
}
