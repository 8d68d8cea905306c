import { copyShapes, shapeBounds, unionBounds, type Board, type Point } from '@meshboard/board';
import type { CheckedImage } from './images.js';
import type { ImportedBoard } from './imported.js';

export interface ApplyOptions {
  /** where the centre of the imported content lands (the view centre); default: keep the file's positions */
  at?: Point | null;
  /**
   * stores an image and returns its asset id (the sha-256 hex). Default: `board.addAsset` (bytes inside the
   * document); the web app passes its blob-store upload when the store has one.
   */
  putImage?: (image: CheckedImage, assetId: string) => Promise<string>;
}

/**
 * Adds an import to a board: images first, then every shape with fresh ids (groups and arrow bindings remapped
 * within the import) on top of the board, in one transaction, so one undo removes the whole import. Returns the
 * new shape ids.
 */
export async function applyImport(board: Board, imported: ImportedBoard, options: ApplyOptions = {}): Promise<string[]> {
  // The import is its own undo step: never merged with an edit made just before or after it.
  board.stopCapturing();
  for (const [assetId, image] of imported.assets) {
    if (options.putImage) await options.putImage(image, assetId);
    else await board.addAsset({ mimeType: image.mimeType, data: new Uint8Array(image.data), width: image.width, height: image.height });
  }
  let offset = { x: 0, y: 0 };
  if (options.at) {
    const bounds = unionBounds(imported.shapes.map((shape) => shapeBounds(shape)));
    if (bounds) offset = { x: options.at.x - (bounds.minX + bounds.maxX) / 2, y: options.at.y - (bounds.minY + bounds.maxY) / 2 };
  }
  const copies = copyShapes(imported.shapes, offset);
  const ids = board.transact(() => board.addShapes(copies).map((shape) => shape.id));
  board.stopCapturing();
  return ids;
}
