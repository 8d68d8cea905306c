'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import dynamic from 'next/dynamic';
import { Board, metaOf } from '@meshboard/board';
import { CanvasEngine, type EngineState } from '@meshboard/canvas';
import { MeshboardError, peekTokenClaims, type HistoryEntry } from '@meshboard/protocol';
import { connectBoard, type BoardConnection, type ConnectionStatus } from '@meshboard/sync';
import type { RuntimeConfig } from '../lib/runtime-config';
import { liveIceServers } from '../lib/ice-servers';
import { loadUser, type LocalUser } from '../lib/identity';
import { forgetBoard, getRecentBoard, rememberBoard } from '../lib/recent-boards';
import { describeError, getBoardMeta, renameBoard, rotateLinks, StoreUnreachableError } from '../lib/store-api';
import { errorScreenTitle, isRetryable, newerKnownToken, SWITCH_TO_NEWER_LINK } from '../lib/board-errors';
import { loadTheme, type Theme } from '../lib/theme';
import { prefetchingFetch } from '../lib/state-prefetch';
import { ErrorScreen } from './ErrorScreen';
import { HelpDialog } from './dialogs';
import { ShareLinksDialog } from './ShareLinksDialog';
import { HistoryDialog, HistoryIcon } from './HistoryDialog';
import { BoardImport } from './BoardImport';
import { RevokeLinks } from './RevokeLinks';
import featureStyles from './features.module.css';
import { ContextMenu, type MenuAt } from './ContextMenu';
import { EmptyBoardHint } from './EmptyBoardHint';
import { FramesList } from './FramesList';
import { Icon } from './icons';
import { ConnectionStatusView, PresenceList, StylePanel, Toolbar, ZoomAndHistory, type PresenceEntry } from './panels';
import { FollowBanner, PresentBar } from './MeetingControls';
import type { PeopleSnapshot } from '../lib/meeting';
import { peopleRefresher, type Follow, type FollowView } from '../lib/follow';
import { ThemeToggle } from './ThemeToggle';
import { usePresentation } from './usePresentation';
import { UserBadge } from './UserBadge';
import { CommentsLayer } from './CommentsLayer';

/**
 * The exporters (SVG/PNG/PDF, pdf-lib, the PNG encoder) load when the dialog opens, not with the board: they
 * were ~0.1 s of script evaluation on every open of a board (issue 15 item 3).
 */
const ExportDialog = dynamic(() => import('./ExportDialog').then((m) => m.ExportDialog), {
  ssr: false,
  loading: () => (
    <div className="modal-backdrop">
      <div className="modal card" role="status" data-testid="export-loading">
        Loading export…
      </div>
    </div>
  ),
});

/** `switchTo`: a newer link to this board that this browser knows; "Try again" opens the board with it. */
type Phase = { kind: 'loading' } | { kind: 'error'; title: string; message: string; retry: boolean; switchTo?: string } | { kind: 'ready' };

interface Session {
  conn: BoardConnection;
  board: Board;
  engine: CanvasEngine;
  token: string;
  role: 'edit' | 'view';
}

/** The token is the URL fragment (`#<token>`), so it never reaches any server's logs. */
function tokenFromLocation(boardId: string): string | null {
  const raw = decodeURIComponent(window.location.hash.replace(/^#/, '')).trim();
  const token = raw.startsWith('token=') ? raw.slice('token='.length) : raw;
  if (token) return token;
  const recent = getRecentBoard(boardId);
  return recent?.editToken ?? recent?.viewToken ?? null;
}

const OFFLINE: ConnectionStatus = { signaling: 'connecting', store: 'syncing', pendingUploadBytes: 0, storeRefusal: null, peers: [] };

export function BoardView({ boardId, config }: { boardId: string; config: RuntimeConfig }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [session, setSession] = useState<Session | null>(null);
  const [engineState, setEngineState] = useState<EngineState | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>(OFFLINE);
  const [presence, setPresence] = useState<PresenceEntry[]>([]);
  const [title, setTitle] = useState('');
  const [titleDraft, setTitleDraft] = useState<string | null>(null);
  const [user, setUser] = useState<LocalUser | null>(null);
  const [dialog, setDialog] = useState<'share' | 'help' | 'history' | 'export' | null>(null);
  const [menu, setMenu] = useState<MenuAt | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const [rotatedAt, setRotatedAt] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** true while this tab revokes its own links: its old connection failing then is expected, not an error */
  const rotatingRef = useRef(false);
  const stopFollowingRef = useRef<(() => void) | null>(null);
  const [styleOpen, setStyleOpen] = useState(true);
  const [laser, setLaser] = useState(false);
  /** follow state lives in refs (read by awareness handlers at 20 Hz) and is mirrored into React for the banner */
  const followRef = useRef<Follow | null>(null);
  const dismissedPresentRef = useRef<number | null>(null);
  const peopleRef = useRef<PeopleSnapshot | null>(null);
  const refreshRef = useRef<(() => void) | null>(null);
  const [follow, setFollow] = useState<FollowView | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (window.matchMedia('(max-width: 640px)').matches) setStyleOpen(false);
    // A different link pasted into the address bar of this page: start over with the new token.
    const onHash = () => window.location.reload();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    let cancelled = false;
    let cleanup: (() => void) | null = null;
    const container = containerRef.current!;
    setPhase({ kind: 'loading' });

    async function open() {
      const token = tokenFromLocation(boardId);
      if (!token) {
        setPhase({ kind: 'error', title: 'This link has no access token', message: 'Board links look like /b/<board>#<token>. Ask whoever shared the board for the full link.', retry: false });
        return;
      }
      const claims = peekTokenClaims(token);
      if (!claims || claims.b !== boardId) {
        setPhase({ kind: 'error', title: 'This link is not valid', message: 'The access token in this link is malformed or belongs to another board.', retry: false });
        return;
      }
      if (!window.location.hash) history.replaceState(null, '', `#${token}`);

      // The board's state (9.6 MB for 50,000 shapes) is fetched while the metadata request is in flight; the
      // connection is dropped again if the metadata says the board cannot be opened.
      const me = loadUser();
      const metaRequest = getBoardMeta(config.storeUrl, boardId, token);
      metaRequest.catch(() => undefined); // awaited below, once the connection exists: never an unhandled rejection
      // time-limited TURN credentials for this board (signaling mints them for a valid token; renewed before expiry)
      const ice = liveIceServers(config.signalingUrl, token, config.iceServers);
      const conn = connectBoard(boardId, token, {
        signalingUrl: config.signalingUrl,
        storeUrl: config.storeUrl,
        user: { id: me.id, name: me.name, color: me.color },
        iceServers: ice.servers,
        iceServersReady: ice.ready,
        ...(config.iceTransportPolicy ? { rtcConfiguration: { iceTransportPolicy: config.iceTransportPolicy } } : {}),
        // editors keep a local copy (y-indexeddb): edits made offline survive a closed tab and are uploaded later
        offline: claims.r !== 'view',
        // the state download the page started before this script ran (state-prefetch.ts)
        fetch: prefetchingFetch(token),
      });
      const closeEarly = () => {
        conn.destroy();
        ice.stop();
      };
      let metaTitle = '';
      let openedOffline = false;
      try {
        const meta = await metaRequest;
        metaTitle = meta.title;
      } catch (error) {
        if (cancelled) return void closeEarly();
        const unreachable = error instanceof StoreUnreachableError || (error instanceof MeshboardError && error.code === 'unavailable');
        // An editor who opened this board here before has its local copy (y-indexeddb): open that, edit
        // offline, and let the connection upload when the store is back (it keeps retrying).
        const known = getRecentBoard(boardId);
        const newer = newerKnownToken(boardId, token);
        if (newer && (unreachable || (error instanceof MeshboardError && error.code === 'token_revoked'))) {
          setPhase({ kind: 'error', title: 'This link was revoked', message: `This link no longer works: the board’s links were changed. ${SWITCH_TO_NEWER_LINK}`, retry: true, switchTo: newer });
          return void closeEarly();
        }
        if (unreachable && claims.r !== 'view' && known) {
          metaTitle = known.title;
          openedOffline = true;
        }
        // the home page shows this browser's link for the board as revoked (or expired) from now on
        if (error instanceof MeshboardError && error.code === 'token_revoked' && getRecentBoard(boardId)) rememberBoard({ id: boardId, revoked: [claims.r] });
        if (!openedOffline) {
          const title = unreachable
            ? 'Cannot reach the board store'
            : error instanceof MeshboardError && error.code === 'token_revoked'
              ? 'This link was revoked'
              : error instanceof MeshboardError && (error.code === 'board_not_found' || error.code === 'not_found')
                ? 'Board not found'
                : 'Cannot open this board';
          setPhase({ kind: 'error', title, message: describeError(error), retry: unreachable });
          return void closeEarly();
        }
      }
      if (cancelled) return void closeEarly();
      if (openedOffline) setNotice("The board store is unreachable: showing this browser's copy of the board. Your changes are kept here and uploaded when the store is back.");

      setUser(me);
      rememberBoard({ id: boardId, title: metaTitle || undefined, [`${claims.r}Token`]: token });

      const role = conn.role;
      const board = new Board(conn.doc, { userId: me.id });
      board.attachBlobStorage(conn.blobs); // image bytes: store, browser cache, peers (the doc holds metadata only)
      conn.blobs.onUploadRefused((_hash, error) => setNotice(`An image could not be saved on the server: ${error.message}. It shows only while someone who has it is on the board.`));
      const engine = new CanvasEngine({
        // read now, not when the effect started: after an error screen ("Try again") the canvas host is only
        // mounted again once the loading phase has rendered
        container: containerRef.current ?? container,
        board,
        readOnly: role === 'view',
        theme: loadTheme(),
        onCursorMove: (p) => conn.setCursor(p),
        // live strokes, shapes and typing; the laser; our view (for followers): awareness, never the document
        onLiveDraft: (draft) => conn.setLive('draft', draft),
        onLaser: (trail) => conn.setLive('laser', trail),
        onViewChange: (view, byUser) => {
          conn.setLive('view', view);
          // the visible world rectangle, for tests and tools that compare views (follow, presentation)
          (containerRef.current ?? container).dataset.view = [view.x, view.y, view.w, view.h].map((v) => v.toFixed(2)).join(',');
          // following lasts until this person pans or zooms
          if (byUser && followRef.current) stopFollowingRef.current?.();
        },
        onSelectionChange: (ids) => conn.setSelection(ids),
        onContextMenu: (at) => setMenu({ x: at.clientX, y: at.clientY }),
      });

      const meta = metaOf(conn.doc);
      const syncTitle = () => {
        const current = board.title || metaTitle;
        setTitle(current);
        document.title = `${current || 'Untitled board'} · Meshboard`;
        if (board.title) rememberBoard({ id: boardId, title: board.title });
      };
      meta.observe(syncTitle);
      syncTitle();

      const stopFollowing = () => {
        const current = followRef.current;
        if (current?.reason === 'present' && current.since !== undefined) dismissedPresentRef.current = current.since;
        followRef.current = null;
        refreshRef.current?.();
      };
      stopFollowingRef.current = stopFollowing;
      const refreshPeople = peopleRefresher({
        conn,
        engine,
        self: () => {
          const selfUser = (conn.awareness.getLocalState() as { user?: LocalUser } | null)?.user ?? me;
          return { clientId: conn.doc.clientID, id: selfUser.id, name: selfUser.name, color: selfUser.color, role };
        },
        follow: followRef,
        dismissedPresentation: dismissedPresentRef,
        people: peopleRef,
        onEntries: setPresence,
        onFollow: setFollow,
      });
      refreshRef.current = () => refreshPeople(conn.status());
      const onAwareness = () => refreshPeople(conn.status());
      conn.awareness.on('change', onAwareness);
      // The connection stops for good (store 'error') when its link is revoked or the board deleted while
      // open: ask the store why, and say so on a clear screen instead of leaving a canvas that no longer syncs.
      let stopExplained = false;
      const explainStop = async () => {
        let next: Phase = { kind: 'error', title: 'This board stopped syncing', message: 'The board store refused this connection. Reload the page to try again.', retry: true };
        try {
          await getBoardMeta(config.storeUrl, boardId, token);
        } catch (error) {
          next = { kind: 'error', title: errorScreenTitle(error), message: describeError(error), retry: isRetryable(error) };
          const newer = error instanceof MeshboardError && error.code === 'token_revoked' ? newerKnownToken(boardId, token) : null;
          if (newer) next = { ...next, message: `${describeError(error)} ${SWITCH_TO_NEWER_LINK}`, retry: true, switchTo: newer };
        }
        if (cancelled || rotatingRef.current || tokenFromLocation(boardId) !== token) return;
        setPhase(next);
      };
      const offStatus = conn.onStatus((s) => {
        setStatus({ ...s, peers: [...s.peers] });
        refreshPeople(s);
        if (s.store === 'error' && !stopExplained && !rotatingRef.current) {
          stopExplained = true;
          void explainStop();
        }
      });
      const offEngine = engine.subscribe((s) => setEngineState({ ...s }));
      setEngineState({ ...engine.getState() });
      setStatus({ ...conn.status() });
      refreshPeople(conn.status());

      const onPageHide = () => void conn.flush();
      window.addEventListener('pagehide', onPageHide);

      // A link revoked or a board deleted while open: the connection gives up; say so instead of a dead canvas.
      conn.whenSeeded().catch((error: unknown) => {
        if (cancelled) return;
        setPhase({ kind: 'error', title: 'Cannot open this board', message: describeError(error), retry: !(error instanceof MeshboardError) || error.code === 'unavailable' });
      });

      setSession({ conn, board, engine, token, role });
      setPhase({ kind: 'ready' });

      cleanup = () => {
        window.removeEventListener('pagehide', onPageHide);
        offEngine();
        offStatus();
        conn.awareness.off('change', onAwareness);
        refreshRef.current = null;
        stopFollowingRef.current = null;
        followRef.current = null;
        meta.unobserve(syncTitle);
        engine.destroy();
        board.destroy();
        void conn.flush().finally(() => conn.destroy());
        ice.stop();
      };
      if (cancelled) cleanup();
    }

    open().catch((error: unknown) => {
      if (!cancelled) setPhase({ kind: 'error', title: 'Cannot open this board', message: describeError(error), retry: true });
    });
    return () => {
      cancelled = true;
      cleanup?.();
      setSession(null);
      setEngineState(null);
    };
  }, [boardId, config, attempt]);

  // "?" opens the shortcut help (unless typing somewhere).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (e.key === '?') {
        e.preventDefault();
        setDialog('help');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const commitTitle = useCallback(async () => {
    if (titleDraft === null || !session) return;
    const next = titleDraft.trim();
    setTitleDraft(null);
    if (!next || next === title || session.role !== 'edit') return;
    session.board.setTitle(next);
    try {
      await renameBoard(config.storeUrl, boardId, session.token, next);
    } catch (error) {
      console.warn(`board title saved in the board, but the store's metadata was not renamed: ${describeError(error)}`);
    }
  }, [titleDraft, session, title, config.storeUrl, boardId]);


  /**
   * Revokes every link and switches this tab to the new edit link: flush what is pending with the old token,
   * rotate, record the new links (recent boards, URL fragment without a reload), then reconnect.
   */
  const rotate = useCallback(async () => {
    if (!session || session.role !== 'edit') return;
    rotatingRef.current = true;
    try {
      await Promise.race([session.conn.flush().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
      const next = await rotateLinks(config.storeUrl, boardId, session.token);
      rememberBoard({ id: boardId, ownerToken: next.ownerToken, editToken: next.editToken, viewToken: next.viewToken });
      // only an owner link rotates: this tab moves to the new owner link (an older store: the edit link)
      history.replaceState(null, '', `#${next.ownerToken ?? next.editToken}`); // no hashchange event, so no reload
      setRotatedAt(Date.now());
      setAttempt((n) => n + 1);
    } finally {
      // the old connection's failures after this point are ignored because the URL carries the new token
      rotatingRef.current = false;
    }
  }, [session, config.storeUrl, boardId]);

  /** This tab's own link was revoked and re-issued from the share dialog: reconnect with the new one, no reload. */
  const switchOwnToken = useCallback(
    (next: string) => {
      rotatingRef.current = true;
      history.replaceState(null, '', `#${next}`);
      rotatingRef.current = false;
      setAttempt((n) => n + 1);
    },
    [],
  );

  /** A forward restore on the live doc under this user's origin: syncs like any edit, and Ctrl+Z undoes it. */
  const restoreVersion = useCallback(
    (state: Uint8Array, entry: HistoryEntry) => {
      if (!session || session.role !== 'edit') return;
      session.board.stopCapturing();
      session.board.restoreFrom(state);
      session.board.stopCapturing();
      setDialog(null);
      setNotice(`Restored the version from ${new Date(entry.createdAt).toLocaleString()} (${entry.shapeCount} shape${entry.shapeCount === 1 ? '' : 's'}). Undo with Ctrl+Z.`);
    },
    [session],
  );

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 10_000);
    return () => clearTimeout(timer);
  }, [notice]);

  const onTheme = useCallback((theme: Theme) => session?.engine.setTheme(theme), [session]);
  const onUser = useCallback(
    (next: LocalUser) => {
      setUser(next);
      // re-announce ourselves with the new name / colour: awareness at once, and the server's presence list
      session?.conn.setUser({ id: next.id, name: next.name, color: next.color });
      refreshRef.current?.();
      if (laser) session?.engine.setLaser(next.color);
    },
    [session, laser],
  );

  const toggleLaser = useCallback(
    (on: boolean) => {
      setLaser(on);
      session?.engine.setLaser(on ? (user?.color ?? '#e03131') : null);
    },
    [session, user],
  );

  const followPerson = useCallback((clientId: number | null) => {
    if (clientId === null) stopFollowingRef.current?.();
    else {
      followRef.current = { clientId, reason: 'click' };
      refreshRef.current?.();
    }
  }, []);

  const followNobody = useCallback(() => {
    followRef.current = null;
    refreshRef.current?.();
  }, []);
  // a presenter follows no one
  const { presenting, presentationFrames, startPresenting, movePresentation, endPresenting } = usePresentation(session, followNobody);

  useEffect(() => {
    if (!session) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if ((e.key === 'k' || e.key === 'K') && !e.ctrlKey && !e.metaKey && !e.altKey) toggleLaser(!laser);
      else if (e.key === 'Escape' && laser) toggleLaser(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session, laser, toggleLaser]);

  if (phase.kind === 'error') {
    const { switchTo } = phase;
    const retry = () => {
      if (switchTo) history.replaceState(null, '', `#${switchTo}`); // no hashchange event: the retry reopens with it
      setAttempt((n) => n + 1);
    };
    return <ErrorScreen title={phase.title} message={phase.message} onRetry={phase.retry ? retry : undefined} />;
  }

  const readOnly = session?.role === 'view';
  return (
    <div className="board-page" data-role={session?.role ?? ''}>
      <div ref={containerRef} className="canvas-host" data-testid="canvas" />

      <header className="topbar">
        <div className="row topbar-left">
          <Link href="/" className="btn icon" aria-label="Your boards" title="Your boards">
            <Icon name="home" />
          </Link>
          {session && !readOnly ? (
            <input
              className="title-input"
              data-testid="board-title"
              aria-label="Board title"
              value={titleDraft ?? title}
              placeholder="Untitled board"
              maxLength={200}
              onFocus={() => setTitleDraft(title)}
              onChange={(e) => setTitleDraft(e.target.value)}
              onBlur={() => void commitTitle()}
              onKeyDown={(e) => {
                if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
                if (e.key === 'Escape') {
                  setTitleDraft(null);
                  (e.target as HTMLInputElement).blur();
                }
              }}
            />
          ) : (
            <h1 className="title-static" data-testid="board-title">
              {title || 'Untitled board'}
            </h1>
          )}
          {readOnly ? (
            <span className="badge" data-testid="view-only-badge">
              View only
            </span>
          ) : null}
        </div>
        <div className="row topbar-right">
          <PresenceList entries={presence} onFollow={followPerson} />
          {/* Presenting is for a screen people watch: on a phone the top bar has no room for it (it pushed the
              bar 29 px past a 390 px screen), and a phone can still follow a presenter */}
          {session ? (
            <button type="button" className="btn hide-narrow" data-testid="present-start" title="Present: everyone follows your view; with frames, walk them in order (← →, Esc ends)" onClick={presenting ? endPresenting : startPresenting} aria-pressed={Boolean(presenting)}>
              {presenting ? 'Stop presenting' : 'Present'}
            </button>
          ) : null}
          {user ? <UserBadge onChange={onUser} /> : null}
          <button type="button" className="btn" data-testid="history-button" title="Version history" aria-label="Version history" onClick={() => setDialog('history')} disabled={!session}>
            <HistoryIcon />
            <span className="hide-narrow">History</span>
          </button>
          {session ? <BoardImport board={session.board} engine={session.engine} readOnly={session.role === 'view'} onNotice={setNotice} /> : null}
          <button type="button" className="btn" data-testid="export-button" onClick={() => setDialog('export')} disabled={!session}>
            <Icon name="share" />
            <span className="hide-narrow">Export</span>
          </button>
          <button type="button" className="btn" data-testid="share" onClick={() => setDialog('share')} disabled={!session}>
            <Icon name="share" />
            <span className="hide-narrow">Share</span>
          </button>
          <button type="button" className="btn icon" data-testid="help" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setDialog('help')} disabled={!session}>
            <Icon name="help" />
          </button>
          <ThemeToggle onChange={onTheme} />
        </div>
      </header>

      {session && engineState ? (
        <>
          <Toolbar engine={session.engine} state={engineState} styleOpen={styleOpen} onToggleStyle={() => setStyleOpen((o) => !o)} laser={laser} onLaser={toggleLaser} />
          {follow ? <FollowBanner name={follow.name} color={follow.color} presenting={follow.presenting} onStop={() => stopFollowingRef.current?.()} /> : null}
          {presenting ? (
            <PresentBar
              index={presenting.index}
              total={presentationFrames().length}
              frameName={presentationFrames()[presenting.index]?.name ?? ''}
              onPrev={() => movePresentation(-1)}
              onNext={() => movePresentation(1)}
              onEnd={endPresenting}
            />
          ) : null}
          {!readOnly && styleOpen ? <StylePanel engine={session.engine} state={engineState} /> : null}
          <ZoomAndHistory engine={session.engine} state={engineState} />
          <EmptyBoardHint shapeCount={engineState.shapeCount} readOnly={readOnly} />
          <FramesList engine={session.engine} state={engineState} />
          {menu && !readOnly ? <ContextMenu engine={session.engine} state={engineState} at={menu} onClose={closeMenu} /> : null}
        </>
      ) : null}
      {session ? (
        <CommentsLayer storeUrl={config.storeUrl} boardId={boardId} token={session.token} link={peekTokenClaims(session.token)?.r ?? 'view'} engine={session.engine} board={session.board} host={containerRef.current} />
      ) : null}
      <ConnectionStatusView status={status} localCopy={session?.role === 'edit'} readOnly={readOnly} />
      {notice ? (
        <div className={featureStyles.notice} role="status" data-testid="board-notice">
          <span>{notice}</span>
          <button type="button" className="btn small" data-testid="board-notice-dismiss" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      ) : null}

      {phase.kind === 'loading' ? (
        <div className="loading" role="status" data-testid="board-loading">
          Opening board…
        </div>
      ) : null}

      {dialog === 'share' && session ? (
        <ShareLinksDialog
          key={session.token}
          storeUrl={config.storeUrl}
          boardId={boardId}
          token={session.token}
          role={session.role}
          onClose={() => setDialog(null)}
          onOwnTokenChanged={switchOwnToken}
          onDeleted={() => {
            forgetBoard(boardId);
            window.location.assign('/');
          }}
        >
          <RevokeLinks onRotate={rotate} rotatedAt={rotatedAt} />
        </ShareLinksDialog>
      ) : null}
      {dialog === 'history' && session ? (
        <HistoryDialog storeUrl={config.storeUrl} boardId={boardId} token={session.token} role={session.role} onRestore={restoreVersion} onClose={() => setDialog(null)} blobs={session.conn.blobs} />
      ) : null}
      {dialog === 'export' && session ? (
        <ExportDialog board={session.board} title={title} selection={engineState?.selection ?? []} theme={engineState?.theme ?? 'light'} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'help' && session ? <HelpDialog shortcuts={session.engine.shortcuts} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
