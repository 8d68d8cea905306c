'use client';

/**
 * What a new board says before anything is on it: the main tools, how to paste, and how to invite someone.
 * It never takes input (pointer-events: none), so the first stroke goes straight to the canvas, and it goes
 * away as soon as the board has a shape (from anyone).
 */
export function EmptyBoardHint({ shapeCount, readOnly }: { shapeCount: number; readOnly: boolean }) {
  if (shapeCount > 0 || readOnly) return null;
  return (
    <div className="empty-hint" data-testid="empty-hint" aria-live="polite">
      <p className="empty-hint-title">An empty board</p>
      <p>
        Pick a tool above: <kbd>R</kbd> rectangle, <kbd>A</kbd> arrow, <kbd>P</kbd> pen, <kbd>T</kbd> text. Double-click a shape to label it.
      </p>
      <p>
        Paste an image or text with <kbd>Ctrl</kbd>+<kbd>V</kbd>, and invite people with <strong>Share</strong>.
      </p>
    </div>
  );
}
