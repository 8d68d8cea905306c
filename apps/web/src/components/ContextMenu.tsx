'use client';

import { useEffect, useRef } from 'react';
import type { CanvasEngine, EngineState } from '@meshboard/canvas';

export interface MenuAt {
  x: number;
  y: number;
}

type Item = { id: string; label: string; run: () => void; when?: boolean } | 'sep';

/**
 * The right-click menu: the actions of the selection (or of the board when nothing is selected). It closes
 * on any choice, Escape, or a press elsewhere, and stays inside the window.
 */
export function ContextMenu({ engine, state, at, onClose }: { engine: CanvasEngine; state: EngineState; at: MenuAt; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent && event.key !== 'Escape') return;
      if (event.type === 'pointerdown' && ref.current?.contains(event.target as Node)) return;
      onClose();
    };
    window.addEventListener('pointerdown', close, true);
    window.addEventListener('keydown', close, true);
    window.addEventListener('blur', onClose);
    return () => {
      window.removeEventListener('pointerdown', close, true);
      window.removeEventListener('keydown', close, true);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose]);

  const count = state.selection.length;
  // a single frame selected: offer to rename it (typed over its title on the canvas)
  const frame = count === 1 ? engine.frames().find((f) => f.id === state.selection[0]) : undefined;
  const items: Item[] =
    count === 0
      ? [
          { id: 'select-all', label: 'Select all', run: () => engine.selectAll() },
          { id: 'grid', label: state.gridSnap ? 'Grid snap off' : 'Grid snap on', run: () => engine.setGridSnap(!state.gridSnap) },
          { id: 'zoom-fit', label: 'Zoom to fit', run: () => engine.zoomToFit() },
        ]
      : [
          { id: 'rename', label: 'Rename frame', run: () => engine.editFrameName(frame!.id), when: !!frame && !state.locked },
          { id: 'copy', label: 'Copy', run: () => void engine.copyToClipboard() },
          { id: 'duplicate', label: 'Duplicate', run: () => engine.duplicateSelection(), when: !state.locked },
          { id: 'delete', label: 'Delete', run: () => engine.deleteSelection(), when: !state.locked },
          'sep',
          { id: 'front', label: 'Bring to front', run: () => engine.reorderSelection('front') },
          { id: 'back', label: 'Send to back', run: () => engine.reorderSelection('back') },
          'sep',
          { id: 'flip-h', label: 'Flip horizontal', run: () => engine.flipSelection('horizontal'), when: !state.locked },
          { id: 'flip-v', label: 'Flip vertical', run: () => engine.flipSelection('vertical'), when: !state.locked },
          { id: 'align-left', label: 'Align left', run: () => engine.alignSelection('left'), when: count > 1 },
          { id: 'align-center', label: 'Align centres', run: () => engine.alignSelection('centerX'), when: count > 1 },
          { id: 'align-right', label: 'Align right', run: () => engine.alignSelection('right'), when: count > 1 },
          { id: 'align-top', label: 'Align top', run: () => engine.alignSelection('top'), when: count > 1 },
          { id: 'align-middle', label: 'Align middles', run: () => engine.alignSelection('centerY'), when: count > 1 },
          { id: 'align-bottom', label: 'Align bottom', run: () => engine.alignSelection('bottom'), when: count > 1 },
          { id: 'distribute-h', label: 'Distribute horizontally', run: () => engine.distributeSelection('horizontal'), when: count > 2 },
          { id: 'distribute-v', label: 'Distribute vertically', run: () => engine.distributeSelection('vertical'), when: count > 2 },
          'sep',
          { id: 'group', label: 'Group', run: () => engine.groupSelection(), when: count > 1 },
          { id: 'ungroup', label: 'Ungroup', run: () => engine.ungroupSelection() },
          { id: 'lock', label: state.locked ? 'Unlock' : 'Lock', run: () => engine.toggleLockSelection() },
        ];
  const shown = items.filter((item) => item === 'sep' || item.when !== false);
  // keep the menu on screen: open leftwards / upwards near the right / bottom edge
  const style = {
    left: Math.max(4, Math.min(at.x, (typeof window === 'undefined' ? 10_000 : window.innerWidth) - 220)),
    top: Math.max(4, Math.min(at.y, (typeof window === 'undefined' ? 10_000 : window.innerHeight) - shown.length * 30 - 16)),
  };
  return (
    <div ref={ref} className="panel context-menu" role="menu" data-testid="context-menu" style={style} onContextMenu={(e) => e.preventDefault()}>
      {shown.map((item, i) =>
        item === 'sep' ? (
          <hr key={`sep-${i}`} />
        ) : (
          <button
            key={item.id}
            type="button"
            role="menuitem"
            data-testid={`menu-${item.id}`}
            onClick={() => {
              item.run();
              onClose();
            }}
          >
            {item.label}
          </button>
        ),
      )}
    </div>
  );
}
