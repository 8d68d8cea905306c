'use client';

import { useMemo, useState } from 'react';
import type { CanvasEngine, EngineState } from '@meshboard/canvas';

/**
 * The board's frames, each a button that brings it into view, with a rename button beside it that turns
 * the entry into a text field (Enter or leaving it renames, Escape keeps the name). Shown only when the
 * board has frames; read again whenever a frame changes here or at a peer (`framesVersion`).
 */
export function FramesList({ engine, state }: { engine: CanvasEngine; state: EngineState }) {
  const frames = useMemo(() => engine.frames(), [engine, state.shapeCount, state.framesVersion]);
  const [renaming, setRenaming] = useState<string | null>(null);
  if (frames.length === 0) return null;
  return (
    <nav className="panel frames-list" aria-label="Frames" data-testid="frames-list">
      <p className="frames-title">Frames</p>
      {frames.map((frame, i) => {
        const name = frame.name || `Frame ${i + 1}`;
        if (renaming === frame.id) {
          return (
            <input
              key={frame.id}
              className="frame-name-input"
              data-testid="frame-name-input"
              aria-label={`Rename ${name}`}
              defaultValue={frame.name}
              autoFocus
              onFocus={(event) => event.currentTarget.select()}
              onKeyDown={(event) => {
                if (event.key === 'Enter') event.currentTarget.blur();
                if (event.key === 'Escape') {
                  event.currentTarget.value = frame.name;
                  event.currentTarget.blur();
                }
              }}
              onBlur={(event) => {
                engine.renameFrame(frame.id, event.currentTarget.value);
                setRenaming(null);
              }}
            />
          );
        }
        return (
          <div key={frame.id} className="frame-row">
            <button type="button" className="frame-jump" data-testid={`frame-item-${i}`} aria-pressed={state.selection.length === 1 && state.selection[0] === frame.id} onClick={() => engine.zoomToShape(frame.id)}>
              {name}
            </button>
            {state.readOnly ? null : (
              <button type="button" className="frame-rename" data-testid={`frame-rename-${i}`} aria-label={`Rename ${name}`} title="Rename" onClick={() => setRenaming(frame.id)}>
                ✎
              </button>
            )}
          </div>
        );
      })}
    </nav>
  );
}
