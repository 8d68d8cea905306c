'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { Board, type BlobStorage } from '@meshboard/board';
import { CanvasEngine } from '@meshboard/canvas';
import { MeshboardError, type HistoryEntry } from '@meshboard/protocol';
import { describeError, getHistoryState, listHistory } from '../lib/store-api';
import { loadTheme } from '../lib/theme';
import { Modal } from './dialogs';
import { SaveVersion } from './SaveVersion';
import styles from './features.module.css';

type ListState = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; entries: HistoryEntry[] };
type PreviewState = { kind: 'idle' } | { kind: 'loading'; id: string } | { kind: 'error'; id: string; message: string } | { kind: 'ready'; id: string; state: Uint8Array; shapeCount: number };

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatWhen(iso: string, now: number): { relative: string; absolute: string } {
  const at = new Date(iso);
  const seconds = Math.max(0, Math.round((now - at.getTime()) / 1000));
  const relative =
    seconds < 60
      ? 'just now'
      : seconds < 3600
        ? `${Math.round(seconds / 60)} min ago`
        : seconds < 86_400
          ? `${Math.round(seconds / 3600)} h ago`
          : `${Math.round(seconds / 86_400)} d ago`;
  return { relative, absolute: at.toLocaleString() };
}

function historyError(error: unknown): string {
  if (error instanceof MeshboardError && error.code === 'not_found') return 'This restore point no longer exists: old restore points are pruned. Pick another one.';
  return describeError(error);
}

/** A read-only canvas over its own Y.Doc, built from a restore point's state: pan and zoom, never edits. */
function Preview({ state, blobs }: { state: Uint8Array; blobs?: BlobStorage }) {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const board = new Board(doc, { userId: 'history-preview' });
    if (blobs) board.attachBlobStorage(blobs); // images of the past version: the board's blobs (kept while restore points name them)
    const engine = new CanvasEngine({ container: hostRef.current!, board, readOnly: true, theme: loadTheme() });
    engine.setTool('hand');
    engine.zoomToFit();
    return () => {
      engine.destroy();
      board.destroy();
      doc.destroy();
    };
  }, [state, blobs]);
  return <div ref={hostRef} className={styles.preview} data-testid="history-preview" aria-label="Preview of this version (read-only)" />;
}

/** Clock with a back arrow, drawn like the other 20px line icons (icons.tsx). */
export function HistoryIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M3.5 10a6.5 6.5 0 1 0 1.9-4.6M3.5 3.5v2.9h2.9M10 6.5V10l2.5 1.5" />
    </svg>
  );
}

export interface HistoryDialogProps {
  storeUrl: string;
  boardId: string;
  token: string;
  role: 'edit' | 'view';
  /** applies a restore point to the live board (editors only); the dialog closes afterwards */
  onRestore: (state: Uint8Array, entry: HistoryEntry) => void;
  onClose: () => void;
  /** where the preview reads image bytes (the live connection's blob client) */
  blobs?: BlobStorage;
}

export function HistoryDialog({ storeUrl, boardId, token, role, onRestore, onClose, blobs }: HistoryDialogProps) {
  const [list, setList] = useState<ListState>({ kind: 'loading' });
  const [preview, setPreview] = useState<PreviewState>({ kind: 'idle' });
  const [reload, setReload] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const previewRequest = useRef(0);

  useEffect(() => {
    let cancelled = false;
    setList({ kind: 'loading' });
    listHistory(storeUrl, boardId, token)
      .then((entries) => {
        if (cancelled) return;
        setNow(Date.now());
        setList({ kind: 'ready', entries });
      })
      .catch((error: unknown) => {
        if (!cancelled) setList({ kind: 'error', message: `Could not load the version history. ${historyError(error)}` });
      });
    return () => {
      cancelled = true;
    };
  }, [storeUrl, boardId, token, reload]);

  const select = useCallback(
    (entry: HistoryEntry) => {
      const request = ++previewRequest.current;
      setPreview({ kind: 'loading', id: entry.id });
      getHistoryState(storeUrl, boardId, token, entry.id)
        .then((state) => {
          if (request !== previewRequest.current) return;
          const doc = new Y.Doc();
          Y.applyUpdate(doc, state);
          const shapeCount = doc.getMap('shapes').size;
          doc.destroy();
          setPreview({ kind: 'ready', id: entry.id, state, shapeCount });
        })
        .catch((error: unknown) => {
          if (request === previewRequest.current) setPreview({ kind: 'error', id: entry.id, message: `Could not load this version. ${historyError(error)}` });
        });
    },
    [storeUrl, boardId, token],
  );

  const entries = list.kind === 'ready' ? list.entries : [];
  const selected = preview.kind === 'idle' ? null : (entries.find((e) => e.id === preview.id) ?? null);

  return (
    <Modal title="Version history" onClose={onClose} testid="history-dialog">
      <p className="muted">
        Restore points are taken by the server as the board changes. Preview one, and {role === 'edit' ? 'restore it: restoring is a new change that everyone sees, and you can undo it (Ctrl+Z).' : 'ask an editor to restore it (this link is view-only).'}
      </p>
      <div className="row">
        <button type="button" className="btn small" data-testid="history-refresh" onClick={() => setReload((n) => n + 1)} disabled={list.kind === 'loading'}>
          Refresh
        </button>
        <span className="muted small" data-testid="history-count">
          {list.kind === 'ready' ? `${entries.length} restore point${entries.length === 1 ? '' : 's'}` : list.kind === 'loading' ? 'Loading…' : ''}
        </span>
      </div>
      {role === 'edit' ? <SaveVersion storeUrl={storeUrl} boardId={boardId} token={token} onSaved={() => setReload((n) => n + 1)} /> : null}

      {list.kind === 'error' ? (
        <div role="alert" className="error" data-testid="history-error">
          {list.message}{' '}
          <button type="button" className="btn small" data-testid="history-retry" onClick={() => setReload((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : null}

      {list.kind === 'ready' && entries.length === 0 ? (
        <p className={styles.empty} data-testid="history-empty">
          No restore points yet — they are taken as the board changes.
        </p>
      ) : null}

      {entries.length > 0 ? (
        <ul className={styles.entries} data-testid="history-list" aria-label="Restore points, newest first">
          {entries.map((entry) => {
            const when = formatWhen(entry.createdAt, now);
            const active = selected?.id === entry.id;
            return (
              <li key={entry.id}>
                <button
                  type="button"
                  className={active ? `${styles.entry} ${styles.active}` : styles.entry}
                  aria-pressed={active}
                  data-testid="history-entry"
                  data-entry-id={entry.id}
                  data-shape-count={entry.shapeCount}
                  data-created-at={entry.createdAt}
                  data-named={entry.name ? 'true' : 'false'}
                  onClick={() => select(entry)}
                >
                  {entry.name ? (
                    <strong data-testid="history-entry-name" title="Saved by name: kept until the board is deleted">
                      {entry.name}
                    </strong>
                  ) : null}
                  <span className={styles.when} title={entry.createdAt}>
                    {when.absolute} <span className="muted">· {when.relative}</span>
                  </span>
                  <span className="muted small">
                    {entry.shapeCount} shape{entry.shapeCount === 1 ? '' : 's'} · {formatBytes(entry.bytes)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}

      {preview.kind === 'loading' ? (
        <p className="muted" role="status" data-testid="history-preview-loading">
          Loading this version…
        </p>
      ) : null}
      {preview.kind === 'error' ? (
        <p role="alert" className="error" data-testid="history-preview-error">
          {preview.message}
        </p>
      ) : null}
      {preview.kind === 'ready' ? (
        <section className={styles.previewSection} aria-label="Selected version">
          <Preview state={preview.state} {...(blobs ? { blobs } : {})} />
          <div className="row">
            <span className="muted small" data-testid="history-preview-info" data-shape-count={preview.shapeCount}>
              Read-only preview · {preview.shapeCount} shape{preview.shapeCount === 1 ? '' : 's'} · drag to pan, scroll to zoom
            </span>
          </div>
          {role === 'edit' ? (
            <div className="row">
              <button
                type="button"
                className="btn primary"
                data-testid="history-restore"
                onClick={() => {
                  if (selected) onRestore(preview.state, selected);
                }}
                disabled={!selected}
              >
                Restore this version
              </button>
              <span className="muted small">Everyone on the board sees it at once; undo with Ctrl+Z.</span>
            </div>
          ) : (
            <p className="muted small" data-testid="history-view-only">
              This is a view-only link: only editors can restore a version.
            </p>
          )}
        </section>
      ) : null}
    </Modal>
  );
}
