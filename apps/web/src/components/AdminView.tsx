'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { MeshboardError, type AdminBoard } from '@meshboard/protocol';
import type { RuntimeConfig } from '../lib/runtime-config';
import { adminDeleteBoard, adminListBoards } from '../lib/board-api';
import { describeError } from '../lib/store-api';
import styles from './dashboard.module.css';

/** Kept for this tab only: closing it forgets the admin token. */
const TOKEN_KEY = 'meshboard:admin-token';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The instance admin's view (issue 13 item 9): every board of the store with its size, and delete. Needs the
 * store's `MESHBOARD_ADMIN_TOKEN`, typed here and kept in sessionStorage; the store checks it on every call.
 */
export function AdminView({ config }: { config: RuntimeConfig }) {
  const [token, setToken] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [boards, setBoards] = useState<AdminBoard[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  useEffect(() => setToken(sessionStorage.getItem(TOKEN_KEY)), []);

  const load = useCallback(
    async (with_: string) => {
      try {
        const list = await adminListBoards(config.storeUrl, with_);
        setBoards(list.boards);
        setTruncated(list.truncated);
        setError(null);
        return true;
      } catch (e) {
        const code = e instanceof MeshboardError ? e.code : null;
        setBoards(null);
        setError(
          code === 'unauthorized'
            ? 'That admin token is not right.'
            : code === 'not_found'
              ? 'This store has no admin view: set MESHBOARD_ADMIN_TOKEN on the persistence service.'
              : describeError(e),
        );
        return false;
      }
    },
    [config.storeUrl],
  );

  useEffect(() => {
    if (token) void load(token);
  }, [token, load]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const value = draft.trim();
    if (!value) return;
    if (await load(value)) {
      sessionStorage.setItem(TOKEN_KEY, value);
      setToken(value);
      setDraft('');
    }
  }

  async function remove(id: string) {
    if (!token) return;
    setConfirming(null);
    try {
      await adminDeleteBoard(config.storeUrl, token, id);
      await load(token);
    } catch (e) {
      setError(`Could not delete: ${describeError(e)}`);
    }
  }

  return (
    <main className="home">
      <header className="home-header">
        <div className="brand">
          <span className="logo" aria-hidden>
            ◆
          </span>
          Meshboard admin
        </div>
        {token ? (
          <button
            type="button"
            className="btn small"
            data-testid="admin-sign-out"
            onClick={() => {
              sessionStorage.removeItem(TOKEN_KEY);
              setToken(null);
              setBoards(null);
            }}
          >
            Forget the token
          </button>
        ) : null}
      </header>
      {!token || !boards ? (
        <section className="card">
          <h1>Every board on this instance</h1>
          <form className="create-form" onSubmit={onSubmit}>
            <input
              className="input"
              type="password"
              data-testid="admin-token"
              aria-label="Admin token"
              placeholder="Admin token (MESHBOARD_ADMIN_TOKEN)"
              autoComplete="off"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" className="btn primary" data-testid="admin-unlock">
              Show boards
            </button>
          </form>
          {error ? (
            <p className="error" role="alert" data-testid="admin-error">
              {error}
            </p>
          ) : null}
        </section>
      ) : (
        <section className="card">
          <h1>
            {boards.length} board{boards.length === 1 ? '' : 's'}
            {truncated ? ' (the most recently edited)' : ''}
          </h1>
          {error ? (
            <p className="error" role="alert" data-testid="admin-error">
              {error}
            </p>
          ) : null}
          <table className={styles.table} data-testid="admin-boards">
            <thead>
              <tr>
                <th>Title</th>
                <th>Board id</th>
                <th>Last edited</th>
                <th>Size</th>
                <th>Files</th>
                <th>Comments</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {boards.map((board) => (
                <tr key={board.id} data-testid="admin-board" data-board-id={board.id}>
                  <td>{board.title}</td>
                  <td className="small muted">{board.id}</td>
                  <td>{new Date(board.updatedAt).toLocaleString()}</td>
                  <td className="num" data-testid="admin-board-size" data-bytes={board.bytes}>
                    {size(board.bytes)}
                  </td>
                  <td className="num">{size(board.blobBytes)}</td>
                  <td className="num">{board.comments}</td>
                  <td>
                    {confirming === board.id ? (
                      <span className="row" role="group" aria-label="Confirm deleting">
                        <button type="button" className={`btn small ${styles.danger}`} data-testid="admin-delete-confirm" onClick={() => void remove(board.id)}>
                          Delete for everyone
                        </button>
                        <button type="button" className="btn small" onClick={() => setConfirming(null)}>
                          Cancel
                        </button>
                      </span>
                    ) : (
                      <button type="button" className="btn ghost small" data-testid="admin-delete" onClick={() => setConfirming(board.id)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
