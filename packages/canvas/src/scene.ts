import RBush from 'rbush';
import { compareZ, type Board, type BoardChange, type Bounds, type Shape } from '@meshboard/board';
import { boundsIntersect, paintBounds } from './geometry.js';

export interface SceneItem {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  id: string;
  shape: Shape;
  /** position in stacking order; valid while the scene's order is not dirty */
  rank: number;
  /** the renderer's packed level-of-detail colours, valid while `lodShape` is `shape` and the theme is `lodTheme` */
  lodShape: Shape | null;
  lodTheme: string;
  lodStroke: number;
  lodFill: number;
}

/** From this many shapes added in one change (and at least as many as were there), the index is rebuilt in bulk. */
const BULK_LOAD_MIN = 1000;

/**
 * The engine's view of the board for drawing and hit-testing: an R-tree of every shape's painted bounds
 * plus the stacking order, patched per board change (never rebuilt on an update).
 *
 * Arrows bound to a shape are re-indexed when that shape changes, because their resolved ends move with it.
 */
export class SceneIndex {
  private readonly tree = new RBush<SceneItem>();
  private readonly items = new Map<string, SceneItem>();
  /** bound shape id -> ids of arrows bound to it */
  private readonly dependents = new Map<string, Set<string>>();
  private order: SceneItem[] = [];
  private orderNeedsSort = false;
  private orderHasHoles = false;
  /** bumped on every change: lets the renderer know a cached frame is stale */
  version = 0;

  constructor(private readonly board: Board) {}

  readonly lookup = (id: string): Shape | undefined => this.items.get(id)?.shape;

  get size(): number {
    return this.items.size;
  }

  /** Bulk-loads every shape (once, at start: R-tree bulk insertion is several times faster than one by one). */
  load(): void {
    this.tree.clear();
    this.items.clear();
    this.dependents.clear();
    const shapes = this.board.listShapes();
    for (const shape of shapes) this.trackBindings(shape, null);
    const items: SceneItem[] = [];
    shapes.forEach((shape, rank) => {
      const item = this.makeItem(shape, rank);
      this.items.set(shape.id, item);
      items.push(item);
    });
    // Bound arrows resolve against other items, so their bounds are computed once all items exist.
    for (const item of items) if (item.shape.type === 'arrow') this.setBounds(item);
    this.tree.load(items);
    this.order = items;
    this.orderNeedsSort = false;
    this.orderHasHoles = false;
    this.version++;
  }

  /** Applies one board change: O(changed shapes × log n). */
  apply(change: BoardChange): void {
    // A change that brings most of the scene at once (the board arriving from the store into an open
    // canvas) is indexed in bulk, several times faster than inserting one by one.
    if (change.added.length >= BULK_LOAD_MIN && change.added.length >= this.items.size) {
      this.load();
      return;
    }
    const reindexArrows = new Set<string>();
    for (const id of change.removed) {
      const item = this.items.get(id);
      if (!item) continue;
      this.tree.remove(item);
      this.items.delete(id);
      this.trackBindings(null, item.shape);
      item.rank = -1;
      this.orderHasHoles = true;
      for (const arrowId of this.dependents.get(id) ?? []) reindexArrows.add(arrowId);
    }
    for (const id of [...change.added, ...change.updated]) {
      const shape = this.board.getShape(id);
      if (!shape) continue;
      const existing = this.items.get(id);
      if (existing) {
        this.tree.remove(existing);
        this.trackBindings(shape, existing.shape);
        if (existing.shape.z !== shape.z) this.orderNeedsSort = true;
        existing.shape = shape;
        this.setBounds(existing);
        this.tree.insert(existing);
      } else {
        this.trackBindings(shape, null);
        const top = this.order[this.order.length - 1];
        const item = this.makeItem(shape, top ? top.rank + 1 : 0);
        this.items.set(id, item);
        this.tree.insert(item);
        // New shapes usually land on top: append without re-sorting.
        if (top && compareZ(top.shape, shape) > 0) this.orderNeedsSort = true;
        this.order.push(item);
      }
      for (const arrowId of this.dependents.get(id) ?? []) reindexArrows.add(arrowId);
    }
    for (const arrowId of reindexArrows) {
      const item = this.items.get(arrowId);
      if (!item) continue;
      this.tree.remove(item);
      this.setBounds(item);
      this.tree.insert(item);
    }
    this.version++;
  }

  /** Items whose painted bounds intersect `bounds`, bottom to top. */
  query(bounds: Bounds): readonly SceneItem[] {
    const order = this.ensureOrder();
    // The whole board in view (zoomed out): everything, in order, without searching.
    const root = this.tree.toJSON() as Bounds;
    if (order.length > 0 && root.minX >= bounds.minX && root.minY >= bounds.minY && root.maxX <= bounds.maxX && root.maxY <= bounds.maxY) return order;
    // A view over a good part of the board: one pass over the ordered list beats searching, then sorting.
    const overlapW = Math.min(root.maxX, bounds.maxX) - Math.max(root.minX, bounds.minX);
    const overlapH = Math.min(root.maxY, bounds.maxY) - Math.max(root.minY, bounds.minY);
    const rootArea = (root.maxX - root.minX) * (root.maxY - root.minY);
    if (order.length > 2000 && overlapW > 0 && overlapH > 0 && overlapW * overlapH > rootArea * 0.3) return order.filter((item) => boundsIntersect(item, bounds));
    const found = this.tree.search(bounds);
    // When most of the board is visible, one pass over the ordered list beats sorting the hits.
    if (found.length * 4 > order.length) return order.filter((item) => boundsIntersect(item, bounds));
    return found.sort((a, b) => a.rank - b.rank);
  }

  /** Every item, bottom to top. */
  all(): readonly SceneItem[] {
    return this.ensureOrder();
  }

  /** Union of every shape's painted bounds, or null on an empty board. */
  contentBounds(): Bounds | null {
    if (this.items.size === 0) return null;
    const root = this.tree.toJSON() as Bounds;
    return { minX: root.minX, minY: root.minY, maxX: root.maxX, maxY: root.maxY };
  }

  get(id: string): SceneItem | undefined {
    return this.items.get(id);
  }

  private ensureOrder(): SceneItem[] {
    if (this.orderNeedsSort) {
      this.order = [...this.items.values()].sort((a, b) => compareZ(a.shape, b.shape));
      this.order.forEach((item, rank) => (item.rank = rank));
      this.orderNeedsSort = false;
      this.orderHasHoles = false;
    } else if (this.orderHasHoles) {
      this.order = this.order.filter((item) => item.rank >= 0);
      this.orderHasHoles = false;
    }
    return this.order;
  }

  private makeItem(shape: Shape, rank: number): SceneItem {
    // Every field present from the start: one object shape for all items keeps the render loops monomorphic.
    const item: SceneItem = { minX: 0, minY: 0, maxX: 0, maxY: 0, id: shape.id, shape, rank, lodShape: null, lodTheme: '', lodStroke: 0, lodFill: 0 };
    this.setBounds(item);
    return item;
  }

  private setBounds(item: SceneItem): void {
    const b = paintBounds(item.shape, this.lookup);
    item.minX = b.minX;
    item.minY = b.minY;
    item.maxX = b.maxX;
    item.maxY = b.maxY;
  }

  private trackBindings(next: Shape | null, previous: Shape | null): void {
    const ids = (shape: Shape | null): string[] =>
      shape && shape.type === 'arrow' ? [shape.startBinding, shape.endBinding].filter((b): b is string => !!b) : [];
    const arrowId = (next ?? previous)!.id;
    for (const target of ids(previous)) this.dependents.get(target)?.delete(arrowId);
    for (const target of ids(next)) {
      let set = this.dependents.get(target);
      if (!set) this.dependents.set(target, (set = new Set()));
      set.add(arrowId);
    }
  }
}
