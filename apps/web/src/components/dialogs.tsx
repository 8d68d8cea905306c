'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

export function Modal({ title, onClose, children, testid }: { title: string; onClose: () => void; children: ReactNode; testid: string }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal card" role="dialog" aria-modal="true" aria-label={title} data-testid={testid}>
        <header className="modal-header">
          <h2>{title}</h2>
          <button type="button" className="btn icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export function CopyField({ label, value, testid, hint }: { label: string; value: string | null; testid: string; hint: string }) {
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  async function copy(input: HTMLInputElement | null) {
    if (!value) return;
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // clipboard API refused (insecure origin): select the text so Ctrl+C works
      input?.select();
      document.execCommand?.('copy');
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <div className="field">
      <span>{label}</span>
      {value ? (
        <div className="row">
          <input ref={inputRef} className="input mono" readOnly value={value} data-testid={testid} onFocus={(e) => e.target.select()} />
          <button type="button" className="btn primary" onClick={() => void copy(inputRef.current)} data-testid={`${testid}-copy`}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      ) : null}
      <small className="muted">{hint}</small>
    </div>
  );
}

export function ShareDialog({ boardId, editToken, viewToken, onClose, children }: { boardId: string; editToken?: string; viewToken?: string; onClose: () => void; children?: ReactNode }) {
  const base = typeof window === 'undefined' ? '' : `${window.location.origin}/b/${boardId}#`;
  return (
    <Modal title="Share this board" onClose={onClose} testid="share-dialog">
      <p className="muted">Anyone with a link can open the board. The access token sits after the #, so it never reaches a server log.</p>
      {editToken ? <CopyField label="Edit link" value={base + editToken} testid="share-edit-link" hint="Can draw, change and delete everything." /> : null}
      <CopyField
        label="View-only link"
        value={viewToken ? base + viewToken : null}
        testid="share-view-link"
        hint={viewToken ? 'Sees the board live, cannot change it.' : 'This browser does not know the view-only link: it is shown in the browser that created the board.'}
      />
      {children}
    </Modal>
  );
}

export function HelpDialog({ shortcuts, onClose }: { shortcuts: ReadonlyArray<{ keys: string; action: string }>; onClose: () => void }) {
  const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testid="help-dialog">
      <table className="shortcuts">
        <tbody>
          {shortcuts.map((s) => (
            <tr key={`${s.keys}-${s.action}`}>
              <td>
                {s.keys.split(' / ').map((combo, i) => (
                  <span key={i}>
                    {i > 0 ? ' or ' : ''}
                    <kbd>{combo.replace(/Mod\+/g, mod)}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.action}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>?</kbd>
            </td>
            <td>Show this help</td>
          </tr>
        </tbody>
      </table>
    </Modal>
  );
}
