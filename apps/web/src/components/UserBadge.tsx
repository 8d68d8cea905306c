'use client';

import { useEffect, useState } from 'react';
import { loadUser, saveUser, USER_COLORS, type LocalUser } from '../lib/identity';

/** Shows and edits this browser's display name and colour (what others see in presence and cursors). */
export function UserBadge({ onChange }: { onChange?: (user: LocalUser) => void }) {
  const [user, setUser] = useState<LocalUser | null>(null);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  useEffect(() => setUser(loadUser()), []);
  if (!user) return null;

  function commit(next: LocalUser) {
    const saved = saveUser(next);
    setUser(saved);
    onChange?.(saved);
  }

  return (
    <div className="popover-anchor">
      <button
        type="button"
        className="btn user-badge"
        data-testid="user-badge"
        onClick={() => {
          setDraft(user.name);
          setOpen(!open);
        }}
        aria-expanded={open}
        title="Your name and colour"
      >
        <span className="dot" style={{ background: user.color }} />
        <span className="user-name">{user.name}</span>
      </button>
      {open ? (
        <form
          className="popover"
          onSubmit={(e) => {
            e.preventDefault();
            commit({ ...user, name: draft });
            setOpen(false);
          }}
        >
          <label className="field">
            <span>Display name</span>
            <input className="input" data-testid="display-name" value={draft} maxLength={64} onChange={(e) => setDraft(e.target.value)} autoFocus />
          </label>
          <div className="swatches" role="radiogroup" aria-label="Your colour">
            {USER_COLORS.map((color) => (
              <button
                key={color}
                type="button"
                role="radio"
                aria-checked={user.color === color}
                aria-label={color}
                className="swatch"
                style={{ background: color }}
                onClick={() => commit({ ...user, color })}
              />
            ))}
          </div>
          <button type="submit" className="btn primary small">
            Save
          </button>
        </form>
      ) : null}
    </div>
  );
}
