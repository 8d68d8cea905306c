'use client';

import { useState } from 'react';
import { describeError } from '../lib/store-api';
import styles from './features.module.css';

/**
 * Share dialog section for the owner: revoke every current link of the board and create new ones. Asks for
 * confirmation first; the rotation itself (store call, new URL, reconnect) is `onRotate`, owned by the page.
 */
export function RevokeLinks({ onRotate, rotatedAt }: { onRotate: () => Promise<void>; rotatedAt: number | null }) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'working'>('idle');
  const [error, setError] = useState<string | null>(null);

  async function rotate() {
    setStep('working');
    setError(null);
    try {
      await onRotate();
      setStep('idle');
    } catch (e) {
      setError(`The links were not changed. ${describeError(e)}`);
      setStep('confirm');
    }
  }

  return (
    <section className={styles.revoke} aria-label="Revoke links">
      {rotatedAt ? (
        <p className={styles.done} role="status" data-testid="rotate-links-done">
          New links created at {new Date(rotatedAt).toLocaleTimeString()}. The old owner, edit and view links no longer work: send the new ones above to everyone who should keep access.
        </p>
      ) : null}
      {step === 'idle' ? (
        <div className="row">
          <button type="button" className={`btn ${styles.danger}`} data-testid="rotate-links" onClick={() => setStep('confirm')}>
            Revoke every link and create new ones
          </button>
        </div>
      ) : (
        <div className={styles.confirm} role="group" aria-label="Confirm revoking the links" data-testid="rotate-links-confirmation">
          <strong>Revoke every current link?</strong>
          <span className="muted small">
            Everyone who opened the board with a current link loses access right away, including people who have it open now. This tab switches to the new owner link.
          </span>
          {error ? (
            <span role="alert" className="error" data-testid="rotate-links-error">
              {error}
            </span>
          ) : null}
          <div className="row">
            <button type="button" className={`btn primary`} data-testid="rotate-links-confirm" onClick={() => void rotate()} disabled={step === 'working'}>
              {step === 'working' ? 'Revoking…' : 'Revoke and create new links'}
            </button>
            <button type="button" className="btn" data-testid="rotate-links-cancel" onClick={() => setStep('idle')} disabled={step === 'working'}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
