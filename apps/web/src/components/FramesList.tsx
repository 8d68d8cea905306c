'use client';

import { useMemo } from 'react';
import type { CanvasEngine, EngineState } from '@meshboard/canvas';

/**
 * The board's frames, each a button that brings it into view. Shown only when the board has frames; read
 * again whenever the engine's state changes (a frame added, renamed or removed changes the shape count or
 * the selection, which is when a list could be out of date).
 */
export function FramesList({ engine, state }: { engine: CanvasEngine; state: EngineState }) {
  const frames = useMemo(() => engine.frames(), [engine, state.shapeCount, state.selection]);
  if (frames.length === 0) return null;
  return (
    <nav className="panel frames-list" aria-label="Frames" data-testid="frames-list">
      <p className="frames-title">Frames</p>
      {frames.map((frame, i) => (
        <button key={frame.id} type="button" data-testid={`frame-item-${i}`} aria-pressed={state.selection.length === 1 && state.selection[0] === frame.id} onClick={() => engine.zoomToShape(frame.id)}>
          {frame.name || `Frame ${i + 1}`}
        </button>
      ))}
    </nav>
  );
}
