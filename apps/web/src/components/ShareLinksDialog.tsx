'use client';

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { MeshboardError, peekTokenClaims, type BoardLink, type LinkRole } from '@meshboard/protocol';
import { rememberBoard } from '../lib/recent-boards';
import { deleteBoard, describeError, getLinks, rotateLink, setLinkExpiry } from '../lib/store-api';
import { CopyField, Modal } from './dialogs';
import styles from './features.module.css';

/**
 * The share dialog by role (issue 13). The links come from the store (`GET /v1/boards/:id/links`), not from
 * this browser's memory: an owner sees and manages all three, an editor copies the edit and view links, a
 * viewer sees nothing but the board. The buttons are only a convenience: the store refuses what a role may
 * not do, whatever the UI shows.
 */
const LABEL: Record<LinkRole, string> = { owner: 'Owner link', edit: 'Edit link', view: 'View-only link' };
const HINT: Record<LinkRole, string> = {
  owner: 'Manages the board: sees and revokes every link, sets expiries, deletes the board. Keep it to yourself.',
  edit: 'Can draw, change and delete everything, and copy the edit and view links.',
  view: 'Sees the board live, cannot change it.',
};
const EXPIRY_CHOICES: Array<{ label: string; ms: number | null }> = [
  { label: 'Never expires', ms: null },
  { label: 'Expires in 1 hour', ms: 3_600_000 },
  { label: 'Expires in 1 day', ms: 86_400_000 },
  { label: 'Expires in 7 days', ms: 7 * 86_400_000 },
];

export interface ShareLinksDialogProps {
  storeUrl: string;
  boardId: string;
  /** the token this tab uses */
  token: string;
  /** content role of this tab (view links see no links) */
  role: 'edit' | 'view';
  onClose: () => void;
  /** this tab's own link kind was revoked and re-issued: switch to the new token */
  onOwnTokenChanged: (token: string) => void;
  /** the board was deleted */
  onDeleted: () => void;
  children?: ReactNode;
}

export function ShareLinksDialog({ storeUrl, boardId, token, role, onClose, onOwnTokenChanged, onDeleted, children }: ShareLinksDialogProps) {
  const [links, setLinks] = useState<BoardLink[] | null>(null);
  const [as, setAs] = useState<LinkRole | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<LinkRole | 'delete' | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const base = typeof window === 'undefined' ? '' : `${window.location.origin}/b/${boardId}#`;

  const accept = useCallback(
    (answer: { as: LinkRole; links: BoardLink[] }) => {
      setLinks(answer.links);
      setAs(answer.as);
      const byRole = Object.fromEntries(answer.links.map((l) => [l.role, l.token])) as Partial<Record<LinkRole, string>>;
      rememberBoard({ id: boardId, ownerToken: byRole.owner, editToken: byRole.edit, viewToken: byRole.view, revoked: [] });
    },
    [boardId],
  );

  useEffect(() => {
    if (role === 'view') return;
    let cancelled = false;
    getLinks(storeUrl, boardId, token)
      .then((answer) => !cancelled && accept(answer))
      .catch((e: unknown) => !cancelled && setError(describeError(e)));
    return () => {
      cancelled = true;
    };
  }, [storeUrl, boardId, token, role, accept]);

  async function act(what: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await what();
      setConfirming(null);
    } catch (e) {
      setError(`Nothing was changed. ${e instanceof MeshboardError || e instanceof Error ? describeError(e) : String(e)}`);
    } finally {
      setBusy(false);
    }
  }

  const revoke = (kind: LinkRole) =>
    act(async () => {
      const answer = await rotateLink(storeUrl, boardId, token, kind);
      accept(answer);
      setDone(`The old ${LABEL[kind].toLowerCase()} no longer works (${new Date().toLocaleTimeString()}). Send the new one to everyone who should keep access.`);
      // this tab's own kind was revoked: an owner tab, or a pre-owner board's edit link acting as owner (whose
      // legacy mode just ended: it moves to the owner link it never had)
      if (peekTokenClaims(token)?.r === kind) {
        const fresh = answer.links.find((l) => l.role === 'owner');
        if (fresh) onOwnTokenChanged(fresh.token);
      }
    });

  const expire = (kind: LinkRole, ms: number | null) =>
    act(async () => accept(await setLinkExpiry(storeUrl, boardId, token, kind, ms === null ? null : new Date(Date.now() + ms).toISOString())));

  const remove = () =>
    act(async () => {
      await deleteBoard(storeUrl, boardId, token);
      onDeleted();
    });

  return (
    <Modal title="Share this board" onClose={onClose} testid="share-dialog">
      {role === 'view' ? (
        <p className="muted" data-testid="share-view-only">
          This is a view-only link: it shows the board and nothing else. Ask an editor or the owner for other links.
        </p>
      ) : (
        <p className="muted">Anyone with a link can open the board. The access token sits after the #, so it never reaches a server log.</p>
      )}
      {role !== 'view' && !links && !error ? <p className="muted">Loading links…</p> : null}
      {error ? (
        <p role="alert" className="error" data-testid="share-error">
          {error}
        </p>
      ) : null}
      {done ? (
        <p className={styles.done} role="status" data-testid="share-done">
          {done}
        </p>
      ) : null}
      {links?.map((link) => (
        <div key={link.role} data-testid={`share-row-${link.role}`}>
          <CopyField label={LABEL[link.role]} value={base + link.token} testid={`share-${link.role}-link`} hint={HINT[link.role]} />
          {link.expiresAt ? (
            <small className="muted" data-testid={`share-${link.role}-expiry`}>
              Expires {new Date(link.expiresAt).toLocaleString()}
            </small>
          ) : null}
          {as === 'owner' ? (
            <div className="row">
              {link.role !== 'owner' ? (
                <select
                  className="input"
                  aria-label={`Expiry of the ${LABEL[link.role].toLowerCase()}`}
                  data-testid={`expiry-${link.role}`}
                  disabled={busy}
                  value=""
                  onChange={(e) => void expire(link.role, e.target.value === 'never' ? null : Number(e.target.value))}
                >
                  <option value="" disabled>
                    Set expiry…
                  </option>
                  {EXPIRY_CHOICES.map((choice) => (
                    <option key={choice.label} value={choice.ms === null ? 'never' : String(choice.ms)}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              ) : null}
              {confirming === link.role ? (
                <span className={styles.confirm} role="group" data-testid={`revoke-${link.role}-confirmation`}>
                  <span className="muted small">Everyone using the current {LABEL[link.role].toLowerCase()} loses access now. Other links keep working.</span>
                  <span className="row">
                    <button type="button" className="btn primary" data-testid={`revoke-${link.role}-confirm`} disabled={busy} onClick={() => void revoke(link.role)}>
                      {busy ? 'Revoking…' : 'Revoke and create a new one'}
                    </button>
                    <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                </span>
              ) : (
                <button type="button" className={`btn ${styles.danger}`} data-testid={`revoke-${link.role}`} onClick={() => setConfirming(link.role)}>
                  Revoke
                </button>
              )}
            </div>
          ) : null}
        </div>
      ))}
      {as === 'edit' ? <small className="muted" data-testid="share-editor-note">Only the board owner can revoke links or delete the board.</small> : null}
      {as === 'owner' ? children : null}
      {as === 'owner' ? (
        <section className={styles.revoke} aria-label="Delete board">
          {confirming === 'delete' ? (
            <div className={styles.confirm} role="group" data-testid="delete-board-confirmation">
              <strong>Delete this board for everyone?</strong>
              <span className="muted small">Every link stops working. This cannot be undone here.</span>
              <div className="row">
                <button type="button" className="btn primary" data-testid="delete-board-confirm" disabled={busy} onClick={() => void remove()}>
                  Delete the board
                </button>
                <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            </div>
          ) : (
            <div className="row">
              <button type="button" className={`btn ${styles.danger}`} data-testid="delete-board" onClick={() => setConfirming('delete')}>
                Delete board
              </button>
            </div>
          )}
        </section>
      ) : null}
    </Modal>
  );
}
