'use client';

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import type { RuntimeConfig } from '../lib/runtime-config';
import { createBoard, describeError, needsCreatePassword } from '../lib/store-api';
import { createBoardFromFile } from '../lib/import-files';
import { forgetBoard, listRecentBoards, rememberBoard, type RecentBoard } from '../lib/recent-boards';
import { ThemeToggle } from './ThemeToggle';
import { UserBadge } from './UserBadge';
import { DashboardCard } from './DashboardCard';

function boardHref(board: RecentBoard): string | null {
  const token = board.ownerToken ?? board.editToken ?? board.viewToken;
  return token ? `/b/${board.id}#${token}` : null;
}

function roleLabel(board: RecentBoard): string {
  return board.ownerToken ? 'owner' : board.editToken ? 'can edit' : 'view only';
}

/** The links this browser holds for a board, as a small text file to keep before forgetting it. */
function linksFile(board: RecentBoard): string {
  const origin = window.location.origin;
  const lines = [`Meshboard links for "${board.title || 'Untitled board'}" (${board.id})`, ''];
  if (board.ownerToken) lines.push(`Owner link (manage, keep private): ${origin}/b/${board.id}#${board.ownerToken}`);
  if (board.editToken) lines.push(`Edit link: ${origin}/b/${board.id}#${board.editToken}`);
  if (board.viewToken) lines.push(`View-only link: ${origin}/b/${board.id}#${board.viewToken}`);
  return lines.join('\n') + '\n';
}

function timeAgo(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

export function HomeView({ config }: { config: RuntimeConfig }) {
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Shown once the store says this instance restricts board creation (MESHBOARD_CREATE_SECRET).
  const [askPassword, setAskPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [recent, setRecent] = useState<RecentBoard[] | null>(null);

  useEffect(() => setRecent(listRecentBoards()), []);
  const reloadRecent = useCallback(() => setRecent(listRecentBoards()), []);
  const fileRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  /** A dropped or chosen file becomes a new board (nothing is created when the file is refused). */
  async function onFile(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const created = await createBoardFromFile(config.storeUrl, file);
      rememberBoard({ id: created.id, title: created.title, ownerToken: created.ownerToken, editToken: created.editToken, viewToken: created.viewToken });
      // the creator's tab works with the owner link (issue 13); an older store has none: the edit link
      router.push(`/b/${created.id}#${created.ownerToken ?? created.editToken}`);
    } catch (e) {
      setError(`Could not open ${file.name}: ${(e as Error).message}`);
      setBusy(false);
    }
  }

  async function onCreate(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await createBoard(config.storeUrl, title, password || undefined);
      rememberBoard({ id: created.id, title: created.title, ownerToken: created.ownerToken, editToken: created.editToken, viewToken: created.viewToken });
      // the creator's tab works with the owner link (issue 13); an older store has none: the edit link
      router.push(`/b/${created.id}#${created.ownerToken ?? created.editToken}`);
    } catch (e) {
      if (needsCreatePassword(e)) {
        setAskPassword(true);
        setError(password ? 'That creation password is not right.' : 'This server asks for its creation password to create boards.');
      } else {
        setError(`Could not create a board. ${describeError(e)}`);
      }
      setBusy(false);
    }
  }

  const [forgetting, setForgetting] = useState<string | null>(null);

  function onForget(id: string) {
    forgetBoard(id);
    setForgetting(null);
    setRecent(listRecentBoards());
  }

  function exportLinks(board: RecentBoard) {
    const url = URL.createObjectURL(new Blob([linksFile(board)], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `meshboard-links-${board.id}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <main
      className="home"
      data-dragging={dragging ? 'true' : undefined}
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void onFile(e.dataTransfer.files[0]);
      }}
    >
      <header className="home-header">
        <div className="brand">
          <span className="logo" aria-hidden>
            ◆
          </span>
          Meshboard
        </div>
        <div className="row">
          <UserBadge />
          <ThemeToggle />
        </div>
      </header>

      <section className="card create-card">
        <h1>A whiteboard for your team, on your own server</h1>
        <p className="muted">Draw together in real time. Edits travel peer-to-peer, with a relay and a durable store behind them.</p>
        <form className="create-form" onSubmit={onCreate}>
          <label className="sr-only" htmlFor="board-title">
            Board title
          </label>
          <input
            id="board-title"
            data-testid="new-board-title"
            className="input"
            placeholder="Board title (optional)"
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          {askPassword ? (
            <input
              data-testid="create-password"
              className="input"
              type="password"
              placeholder="Creation password"
              aria-label="Creation password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          ) : null}
          <button type="submit" className="btn primary" data-testid="create-board" disabled={busy}>
            {busy ? 'Creating…' : 'Create a board'}
          </button>
        </form>
        <p className="muted small">
          Or{' '}
          <button type="button" className="btn ghost small" data-testid="open-file" disabled={busy} onClick={() => fileRef.current?.click()}>
            open a file
          </button>{' '}
          (drop it here): Excalidraw, tldraw, Meshboard JSON, or a PNG/SVG exported with its board.
        </p>
        <input
          ref={fileRef}
          type="file"
          hidden
          data-testid="open-file-input"
          accept=".json,.excalidraw,.excalidrawlib,.tldr,.svg,.png,application/json,image/png,image/svg+xml"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            void onFile(file);
          }}
        />
        {error ? (
          <p className="error" role="alert" data-testid="home-error">
            {error}
          </p>
        ) : null}
      </section>

      <section className="card">
        <h2>Your boards</h2>
        {recent === null ? null : recent.length === 0 ? (
          <p className="muted">Boards you create or open in this browser are listed here.</p>
        ) : (
          <ul className="recent-list" data-testid="recent-boards">
            {recent.map((board) => {
              const href = boardHref(board);
              return (
                <li key={board.id}>
                  {href ? (
                    <a href={href} className="recent-title">
                      {board.title || 'Untitled board'}
                    </a>
                  ) : (
                    <span className="recent-title">{board.title || 'Untitled board'}</span>
                  )}
                  <span className="muted small" data-testid="recent-role">
                    {roleLabel(board)} · opened {timeAgo(board.lastOpened)}
                    {board.revoked && board.revoked.length > 0 ? <span className="error"> · link revoked</span> : null}
                  </span>
                  {forgetting === board.id ? (
                    <span className="row" role="group" aria-label="Confirm forgetting" data-testid="forget-confirmation">
                      <span className="small">
                        {board.ownerToken ? 'This browser holds the owner link: without it nobody can manage the board. ' : ''}Forget the links here?
                      </span>
                      <button type="button" className="btn small" data-testid="forget-export" onClick={() => exportLinks(board)}>
                        Save the links
                      </button>
                      <button type="button" className="btn small primary" data-testid="forget-confirm" onClick={() => onForget(board.id)}>
                        Forget
                      </button>
                      <button type="button" className="btn small" data-testid="forget-cancel" onClick={() => setForgetting(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="btn ghost small" data-testid="forget" onClick={() => setForgetting(board.id)} aria-label={`Forget ${board.title || 'board'}`}>
                      Forget
                    </button>
                  )}
                  <DashboardCard storeUrl={config.storeUrl} board={board} onChanged={reloadRecent} />
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </main>
  );
}
