import * as Y from 'yjs';

/** The update that, applied to `currentState`, makes the doc's content equal to `oldState` (an ancestor). */
export function revertUpdate(currentState: Uint8Array, oldState: Uint8Array): Uint8Array {
  const current = new Y.Doc({ gc: false });
  const target = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(current, currentState);
    Y.applyUpdate(target, oldState);
    // Root types arrive untyped from updates, and untyped roots report no changes to an UndoManager: give each
    // root its real type (the board's own roots are maps; others are inferred from their content).
    const rootNames = new Set<string>([...current.share.keys(), ...target.share.keys()]);
    const scope = [...rootNames].map((name) => {
      const kind = rootKind(name, current.share.get(name) ?? target.share.get(name)!);
      current.get(name, kind);
      return target.get(name, kind);
    });
    const origin = Symbol('since-restore-point');
    const undo = new Y.UndoManager(scope, { trackedOrigins: new Set([origin]), captureTimeout: 0 });
    try {
      Y.applyUpdate(target, Y.encodeStateAsUpdate(current, Y.encodeStateVector(target)), origin);
      while (undo.undoStack.length > 0) undo.undo();
      return Y.encodeStateAsUpdate(target, Y.encodeStateVector(current));
    } finally {
      undo.destroy();
    }
  } finally {
    current.destroy();
    target.destroy();
  }
}

type RootKind = typeof Y.Map | typeof Y.Array | typeof Y.Text | typeof Y.XmlFragment;
const BOARD_MAP_ROOTS = new Set(['shapes', 'meta', 'assets']);

function rootKind(name: string, type: Y.AbstractType<Y.YEvent<any>>): RootKind { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (BOARD_MAP_ROOTS.has(name) || type instanceof Y.Map) return Y.Map;
  if (type instanceof Y.Text) return Y.Text;
  if (type instanceof Y.XmlFragment) return Y.XmlFragment;
  if (type instanceof Y.Array) return Y.Array;
  if (type._map.size > 0) return Y.Map;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.content instanceof Y.ContentString || item.content instanceof Y.ContentFormat || item.content instanceof Y.ContentEmbed) return Y.Text;
    if (item.content instanceof Y.ContentType && (item.content.type instanceof Y.XmlElement || item.content.type instanceof Y.XmlText)) return Y.XmlFragment;
  }
  return Y.Array;
}

