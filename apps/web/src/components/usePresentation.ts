'use client';

import { useCallback, useEffect, useState } from 'react';
import type { Board } from '@meshboard/board';
import type { CanvasEngine } from '@meshboard/canvas';
import type { BoardConnection } from '@meshboard/sync';

export interface Presenting {
  /** when this presentation started: followers tell it apart from an earlier one they dismissed */
  since: number;
  /** the frame shown, in presentation order */
  index: number;
}

/**
 * Presenting from this tab: it walks the board's frames in order and everyone follows its view (the request
 * rides awareness, `conn.setPresent`). The order is the frames' names, numbers compared as numbers ("Frame 2"
 * before "Frame 10"): new frames are named in creation order, and renaming ("1 Intro", "2 Plan") reorders a talk
 * without moving anything. ← → / PageUp PageDown move, Esc ends.
 */
export function usePresentation(
  session: { board: Board; engine: CanvasEngine; conn: BoardConnection } | null,
  /** called as a presentation starts (a presenter stops following anyone); keep it stable (useCallback) */
  onStart: () => void,
) {
  const [presenting, setPresenting] = useState<Presenting | null>(null);

  const presentationFrames = useCallback(
    () => (session ? [...session.engine.frames()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }) || a.id.localeCompare(b.id)) : []),
    [session],
  );
  const showFrame = useCallback(
    (index: number) => {
      if (!session) return;
      const frames = presentationFrames();
      const frame = frames[index] ? session.board.getShape(frames[index].id) : null;
      if (!frame) return;
      const pad = Math.max(frame.w, frame.h) * 0.05;
      session.engine.setView({ x: frame.x - pad, y: frame.y - pad, w: frame.w + pad * 2, h: frame.h + pad * 2 });
    },
    [session, presentationFrames],
  );
  const startPresenting = useCallback(() => {
    if (!session) return;
    const since = Date.now();
    const total = presentationFrames().length;
    onStart();
    setPresenting({ since, index: 0 });
    if (total > 0) showFrame(0);
    session.conn.setPresent({ since, frame: total > 0 ? 0 : null });
  }, [session, showFrame, presentationFrames, onStart]);
  const movePresentation = useCallback(
    (delta: number) => {
      if (!session || !presenting) return;
      const total = presentationFrames().length;
      const index = Math.min(Math.max(presenting.index + delta, 0), Math.max(total - 1, 0));
      setPresenting({ ...presenting, index });
      showFrame(index);
      session.conn.setPresent({ since: presenting.since, frame: total > 0 ? index : null });
    },
    [session, presenting, showFrame, presentationFrames],
  );
  const endPresenting = useCallback(() => {
    setPresenting(null);
    session?.conn.setPresent(null);
  }, [session]);
  useEffect(() => {
    if (!presenting) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (e.key === 'Escape') endPresenting();
      else if (e.key === 'ArrowRight' || e.key === 'PageDown') movePresentation(1);
      else if (e.key === 'ArrowLeft' || e.key === 'PageUp') movePresentation(-1);
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [presenting, endPresenting, movePresentation]);

  return { presenting, presentationFrames, startPresenting, movePresentation, endPresenting };
}
