'use client';

/** Shown while this tab follows someone: whose view it shows, and a way out. */
export function FollowBanner({ name, color, presenting, onStop }: { name: string; color: string; presenting: boolean; onStop: () => void }) {
  return (
    <div className="follow-banner" role="status" data-testid="follow-banner" data-presenting={presenting ? 'true' : 'false'} style={{ position: 'absolute', top: 116, left: '50%', transform: 'translateX(-50%)', zIndex: 20, display: 'flex', gap: 8, alignItems: 'center', padding: '6px 10px', borderRadius: 8, background: 'var(--panel, #fff)', border: `2px solid ${color}`, boxShadow: '0 2px 8px rgba(0,0,0,0.15)' }}>
      <span className="avatar" style={{ background: color, width: 12, height: 12, borderRadius: 6, display: 'inline-block' }} aria-hidden />
      <span>
        {presenting ? `${name} is presenting — you are following their view` : `Following ${name}`} · pan or zoom to look around on your own
      </span>
      <button type="button" className="btn small" data-testid="follow-stop" onClick={onStop}>
        Stop following
      </button>
    </div>
  );
}

/** The presenter's controls: frames in order (prev / next), and end (Esc). */
export function PresentBar({ index, total, frameName, onPrev, onNext, onEnd }: { index: number; total: number; frameName: string; onPrev: () => void; onNext: () => void; onEnd: () => void }) {
  return (
    <div className="present-bar" role="toolbar" aria-label="Presentation" data-testid="present-bar" data-index={index} data-total={total} style={{ position: 'absolute', bottom: 64, left: '50%', transform: 'translateX(-50%)', zIndex: 20, display: 'flex', gap: 8, alignItems: 'center', padding: '6px 10px', borderRadius: 8, background: 'var(--panel, #fff)', border: '1px solid rgba(0,0,0,0.2)', boxShadow: '0 2px 8px rgba(0,0,0,0.15)' }}>
      <strong>Presenting</strong>
      {total > 0 ? (
        <>
          <button type="button" className="btn small" data-testid="present-prev" onClick={onPrev} disabled={index <= 0} aria-label="Previous frame">
            ←
          </button>
          <span data-testid="present-position">
            {index + 1} / {total}
            {frameName ? ` · ${frameName}` : ''}
          </span>
          <button type="button" className="btn small" data-testid="present-next" onClick={onNext} disabled={index >= total - 1} aria-label="Next frame">
            →
          </button>
        </>
      ) : (
        <span>everyone follows your view</span>
      )}
      <button type="button" className="btn small" data-testid="present-end" onClick={onEnd} title="End the presentation (Esc)">
        End
      </button>
    </div>
  );
}
