'use client';

import { useState, type FormEvent } from 'react';
import { describeError, saveVersion } from '../lib/store-api';

/**
 * "Save this version" (issue 13 item 7): keeps the board as it is now under a name. The store never prunes
 * named versions (retention and the entry cap only drop automatic restore points).
 */
export function SaveVersion({ storeUrl, boardId, token, onSaved }: { storeUrl: string; boardId: string; token: string; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setMessage(null);
    try {
      const saved = await saveVersion(storeUrl, boardId, token, name.trim());
      setName('');
      setMessage({ error: false, text: `Saved “${saved.name ?? name.trim()}”. Named versions are kept until the board is deleted.` });
      onSaved();
    } catch (error) {
      setMessage({ error: true, text: `Not saved. ${describeError(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="row" onSubmit={(e) => void submit(e)} aria-label="Save this version">
      <input className="input" data-testid="save-version-name" placeholder="Name this version" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} disabled={busy} />
      <button type="submit" className="btn small" data-testid="save-version" disabled={busy || !name.trim()}>
        {busy ? 'Saving…' : 'Save this version'}
      </button>
      {message ? (
        <span role={message.error ? 'alert' : 'status'} className={message.error ? 'error small' : 'muted small'} data-testid="save-version-result">
          {message.text}
        </span>
      ) : null}
    </form>
  );
}
