import type { Board, Shape } from '@meshboard/board';

/** An image as the exporters see it; `data` may be absent (the bytes live elsewhere, or were left out). */
export interface SnapshotAsset {
  mimeType: string;
  width: number;
  height: number;
  data?: Uint8Array;
}

/** What every exporter reads: a board's shapes (bottom to top), title and images, detached from Yjs. */
export interface BoardSnapshot {
  title: string;
  shapes: readonly Shape[];
  assets: ReadonlyMap<string, SnapshotAsset>;
}

/** The board (or only the shapes `ids`, with the members of their groups) as a snapshot. */
export function snapshotOf(board: Board, ids?: readonly string[]): BoardSnapshot {
  const wanted = ids ? new Set(board.expandGroups(ids)) : null;
  const shapes = wanted ? board.listShapes().filter((shape) => wanted.has(shape.id)) : board.listShapes();
  const assets = new Map<string, SnapshotAsset>();
  for (const shape of shapes) {
    if (shape.type !== 'image' || assets.has(shape.assetId)) continue;
    const asset = board.getAsset(shape.assetId);
    if (!asset) continue;
    // the doc holds only metadata; the bytes come from the board's blob storage (or an old inline entry)
    const data = board.getAssetBytes(shape.assetId);
    assets.set(shape.assetId, { mimeType: asset.mimeType, width: asset.width, height: asset.height, ...(data ? { data } : {}) });
  }
  return { title: board.title, shapes, assets };
}

export function lookupIn(shapes: readonly Shape[]): (id: string) => Shape | undefined {
  const byId = new Map(shapes.map((shape) => [shape.id, shape]));
  return (id) => byId.get(id);
}
