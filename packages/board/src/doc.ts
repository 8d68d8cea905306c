import * as Y from 'yjs';

/**
 * The layout of a board's Y.Doc. Everything that reads or writes a board goes through these accessors, so
 * the top-level names are written once:
 *   meta:   Y.Map  { title: string }
 *   shapes: Y.Map<Y.Map>  shape id -> one Y.Map per shape: the fields as created under `base`, each later
 *           edit under its field's own key, so concurrent edits of different fields of one shape both
 *           survive (storage.ts)
 *   assets: Y.Map  sha-256 hex -> { mimeType, data: Uint8Array, width, height }
 */
export type ShapeMap = Y.Map<unknown>;

export function shapesOf(doc: Y.Doc): Y.Map<ShapeMap> {
  return doc.getMap<ShapeMap>('shapes');
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta');
}

export function assetsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('assets');
}

/** Number of shape entries in a doc (valid or not) — cheap, for history listings on the server. */
export function countShapes(doc: Y.Doc): number {
  return shapesOf(doc).size;
}

/** Number of shape entries in an encoded Yjs state, without keeping the doc around. */
export function countShapesInState(state: Uint8Array): number {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, state);
    return countShapes(doc);
  } finally {
    doc.destroy();
  }
}
