import { Board } from '@meshboard/board';
import { exportSvg, snapshotOf } from '@meshboard/interop';
import * as Y from 'yjs';
import { canvasMeasure } from './export-files';

/**
 * A board's thumbnail, rendered from its stored state with the interop package's SVG exporter (the one behind
 * "Export SVG"), so it shows what the board shows. Images appear as the exporter's placeholders (their bytes
 * live in the board's blob store). Returns a data URL, or null for an empty board.
 */
export function thumbnailOf(state: Uint8Array, theme: 'light' | 'dark' = 'light'): { url: string; shapes: number } | null {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const board = new Board(doc, { userId: 'thumbnail' });
    const snapshot = snapshotOf(board);
    board.destroy();
    if (snapshot.shapes.length === 0) return null;
    const { svg } = exportSvg(snapshot, { theme, embed: false, padding: 16, measure: canvasMeasure() });
    return { url: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, shapes: snapshot.shapes.length };
  } finally {
    doc.destroy();
  }
}

/** The sha-256 names of the images a board state's shapes show (what a duplicate must copy). */
export function imageHashesOf(state: Uint8Array): string[] {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const board = new Board(doc, { userId: 'duplicate' });
    const hashes = board.listShapes().flatMap((shape) => (shape.type === 'image' ? [shape.assetId] : []));
    board.destroy();
    return hashes;
  } finally {
    doc.destroy();
  }
}
