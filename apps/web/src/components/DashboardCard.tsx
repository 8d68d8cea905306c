'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { MeshboardError } from '@meshboard/protocol';
import { appendUpdate, copyBlobs, getState } from '../lib/board-api';
import { createBoard, deleteBoard, describeError, getBoardMeta, renameBoard } from '../lib/store-api';
import { forgetBoard, rememberBoard, type RecentBoard } from '../lib/recent-boards';
import { imageHashesOf, thumbnailOf } from '../lib/thumbnails';
import styles from './dashboard.module.css';

/** How often the dashboard asks each board whether it changed (one small metadata read per board). */
export const THUMBNAIL_REFRESH_MS = 8_000;

type Status = 'live' | 'revoked' | 'deleted' | 'unreachable';

function bestToken(board: RecentBoard): string | undefined {
  const revoked = new Set(board.revoked ?? []);
  return (!revoked.has('owner') ? board.ownerToken : undefined) ?? (!revoked.has('edit') ? board.editToken : undefined) ?? (!revoked.has('view') ? board.viewToken : undefined);
}

function whenLabel(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

/**
 * The dashboard part of one board row (issue 13 item 9): a thumbnail rendered from the board's stored state,
 * refreshed when the board's `updatedAt` moves; last edited; and rename (edit links), duplicate (any link that
 * can read), delete (owner link, after a confirmation). A link the store refuses as revoked or expired is shown
 * as such, and a deleted board as deleted.
 */
export function DashboardCard({ storeUrl, board, onChanged }: { storeUrl: string; board: RecentBoard; onChanged: () => void }) {
  const token = bestToken(board);
  const [thumb, setThumb] = useState<string | null>(null);
  const [empty, setEmpty] = useState(false);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [status, setStatus] = useState<Status>(token ? 'live' : 'revoked');
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef<string | null>(null);

  const refresh = useCallback(async () => {
    if (!token) return;
    try {
      const meta = await getBoardMeta(storeUrl, board.id, token);
      setStatus('live');
      setUpdatedAt(Date.parse(meta.updatedAt));
      if (meta.title !== board.title) rememberBoard({ id: board.id, title: meta.title, lastOpened: board.lastOpened });
      if (shown.current === meta.updatedAt) return;
      const rendered = thumbnailOf(await getState(storeUrl, board.id, token));
      shown.current = meta.updatedAt;
      setThumb(rendered?.url ?? null);
      setEmpty(!rendered);
    } catch (e) {
      const code = e instanceof MeshboardError ? e.code : null;
      if (code === 'token_revoked' || code === 'unauthorized') {
        setStatus('revoked');
        const claims: 'owner' | 'edit' | 'view' = board.ownerToken === token ? 'owner' : board.editToken === token ? 'edit' : 'view';
        rememberBoard({ id: board.id, revoked: [...new Set([...(board.revoked ?? []), claims])], lastOpened: board.lastOpened });
        onChanged();
      } else if (code === 'board_not_found') setStatus('deleted');
      else setStatus('unreachable');
    }
  }, [storeUrl, board, token, onChanged]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, THUMBNAIL_REFRESH_MS);
    const onFocus = () => void refresh();
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, [refresh]);

  const canEdit = !!token && (token === board.ownerToken || token === board.editToken);
  const isOwner = !!token && token === board.ownerToken;

  async function commitRename() {
    if (renaming === null || !token) return;
    const title = renaming.trim();
    setRenaming(null);
    if (!title || title === board.title) return;
    try {
      const meta = await renameBoard(storeUrl, board.id, token, title);
      rememberBoard({ id: board.id, title: meta.title, lastOpened: board.lastOpened });
      onChanged();
    } catch (e) {
      setError(`Could not rename: ${describeError(e)}`);
    }
  }

  async function duplicate() {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const state = await getState(storeUrl, board.id, token);
      const copy = await createBoard(storeUrl, `${board.title || 'Untitled board'} (copy)`.slice(0, 200));
      // the files first, so the copy never shows an image whose bytes are missing
      await copyBlobs(storeUrl, { id: board.id, token }, { id: copy.id, token: copy.editToken }, imageHashesOf(state));
      await appendUpdate(storeUrl, copy.id, copy.editToken, state);
      // the copy is new and this browser made it: it holds every link, and it is listed right under the original
      rememberBoard({ id: copy.id, title: copy.title, ownerToken: copy.ownerToken, editToken: copy.editToken, viewToken: copy.viewToken });
      onChanged();
    } catch (e) {
      setError(`Could not duplicate: ${describeError(e)}`);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!board.ownerToken) return;
    setBusy(true);
    try {
      await deleteBoard(storeUrl, board.id, board.ownerToken);
      forgetBoard(board.id);
      onChanged();
    } catch (e) {
      setError(`Could not delete: ${describeError(e)}`);
      setBusy(false);
    }
  }

  return (
    <div className={styles.card} data-testid="dashboard-card" data-board-id={board.id} data-status={status}>
      <a className={styles.thumb} href={token ? `/b/${board.id}#${token}` : undefined} aria-label={`Open ${board.title || 'Untitled board'}`} data-testid="dashboard-open">
        {thumb ? (
          <img src={thumb} alt={`Thumbnail of ${board.title || 'Untitled board'}`} data-testid="dashboard-thumbnail" data-updated-at={shown.current ?? ''} />
        ) : (
          <span className={styles.placeholder} data-testid="dashboard-thumbnail-empty">
            {status === 'live' ? (empty ? 'Empty board' : 'Loading…') : status === 'deleted' ? 'Deleted' : status === 'revoked' ? 'Link revoked' : 'Store unreachable'}
          </span>
        )}
      </a>
      <div className={styles.meta}>
        <span className="muted small" data-testid="dashboard-edited">
          {updatedAt ? `edited ${whenLabel(updatedAt)}` : ''}
          {status === 'revoked' ? <span className="error" data-testid="dashboard-revoked"> · link revoked</span> : null}
          {status === 'deleted' ? <span className="error" data-testid="dashboard-deleted"> · deleted by its owner</span> : null}
        </span>
        {renaming !== null ? (
          <input
            className="input"
            data-testid="dashboard-rename-input"
            aria-label="New title"
            maxLength={200}
            autoFocus
            value={renaming}
            onChange={(e) => setRenaming(e.target.value)}
            onBlur={() => void commitRename()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void commitRename();
              if (e.key === 'Escape') setRenaming(null);
            }}
          />
        ) : null}
        <span className="row">
          {canEdit && status === 'live' ? (
            <button type="button" className="btn ghost small" data-testid="dashboard-rename" onClick={() => setRenaming(board.title)}>
              Rename
            </button>
          ) : null}
          {token && status === 'live' ? (
            <button type="button" className="btn ghost small" data-testid="dashboard-duplicate" disabled={busy} onClick={() => void duplicate()}>
              Duplicate
            </button>
          ) : null}
          {isOwner && status === 'live' ? (
            confirmDelete ? (
              <span className={styles.confirm} role="group" aria-label="Confirm deleting" data-testid="dashboard-delete-confirmation">
                <span className="small">Delete this board for everyone who has a link? This cannot be undone.</span>
                <button type="button" className={`btn small ${styles.danger}`} data-testid="dashboard-delete-confirm" disabled={busy} onClick={() => void remove()}>
                  Delete for everyone
                </button>
                <button type="button" className="btn small" data-testid="dashboard-delete-cancel" onClick={() => setConfirmDelete(false)}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" className="btn ghost small" data-testid="dashboard-delete" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            )
          ) : null}
        </span>
        {error ? (
          <span className="error small" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    </div>
  );
}
