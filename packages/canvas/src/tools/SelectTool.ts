import { rotatePoint, shapeBounds, shapeCenter, unionBounds, type Bounds, type Point, type Shape, type ShapePatch } from '@meshboard/board';
import type { Editor } from '../editor.js';
import { boundsContain, normalizeRect } from '../geometry.js';
import type { PointerInput } from '../input.js';
import { HANDLES, displayFrame, frameCenter, hitHandle, type Frame, type HandleId } from '../selection.js';
import { DRAG_THRESHOLD, dist, normalizeAngle } from './gesture-math.js';
import { scaleShapePatch } from '../transform/scale.js';
import { snapBounds, snapToGrid } from '../transform/snap.js';
import type { Tool } from './Tool.js';

interface Snapshot {
  shapes: Shape[];
  /** the shapes' common painted bounds when the gesture began (what snapping to shapes moves) */
  bounds: Bounds | null;
  /** the smallest x and y of the shapes (what grid snapping puts on the grid) */
  origin: Point | null;
}

/** Screen pixels within which a moved edge or centre snaps to another shape's. */
const SNAP_PX = 6;
/** Snapping looks at no more than this many shapes in view (the top-most), so a dense view stays smooth. */
const SNAP_MAX_TARGETS = 2000;
/** World units between grid lines when grid snapping is on. */
export const GRID_SIZE = 20;

type Gesture =
  | { kind: 'press'; start: Point; startWorld: Point; hitId: string | null; shift: boolean; moved: boolean; snapshot: Snapshot; toggled: boolean }
  | { kind: 'resize'; handle: Exclude<HandleId, 'rotate'>; frame: Frame; snapshot: Snapshot; keepRatio: boolean; grab: Point }
  | { kind: 'rotate'; center: Point; startAngle: number; snapshot: Snapshot }
  | { kind: 'marquee'; startWorld: Point; base: string[]; shift: boolean };

/** Select, move, resize and rotate the selection; a press on empty canvas draws a selection marquee. */
export class SelectTool implements Tool {
  private gesture: Gesture | null = null;

  constructor(private readonly editor: Editor) {}

  /** While a marquee is drawn the selection frame is hidden. */
  get marqueeing(): boolean {
    return this.gesture?.kind === 'marquee';
  }

  /** Between press and drag the handles are hidden (they would flicker on every click). */
  get pressing(): boolean {
    return this.gesture?.kind === 'press';
  }

  down(input: PointerInput, screen: Point, world: Point): boolean {
    const editor = this.editor;
    const frame = editor.overlay().frame;
    if (frame && !editor.readOnly) {
      const handle = hitHandle(frame, world, editor.camera.zoom);
      if (handle === 'rotate') {
        const center = frameCenter(frame);
        editor.beginGestureCapture();
        this.gesture = { kind: 'rotate', center, startAngle: Math.atan2(world.y - center.y, world.x - center.x), snapshot: this.snapshot() };
        return true;
      }
      if (handle) {
        // Handles are drawn a little outside the shape: remember where within the handle it was grabbed, so
        // the edge follows the pointer from where it is instead of jumping to it.
        const spec = HANDLES.find((h) => h.id === handle)!;
        const center = frameCenter(frame);
        const local = rotatePoint(world, center, -frame.rotation);
        const grab = { x: local.x - (frame.x + frame.w * spec.u), y: local.y - (frame.y + frame.h * spec.v) };
        editor.beginGestureCapture();
        this.gesture = { kind: 'resize', handle, frame, snapshot: this.snapshot(), keepRatio: false, grab };
        return true;
      }
    }
    const tolerance = input.pointerType === 'touch' ? 12 : 6;
    const hit = editor.shapeAt(world, tolerance);
    let toggled = false;
    if (hit) {
      const ids = editor.board.expandGroups([hit.id]);
      if (input.shiftKey) {
        const allSelected = ids.every((id) => editor.selection.includes(id));
        editor.setSelection(allSelected ? editor.selection.filter((id) => !ids.includes(id)) : [...editor.selection, ...ids]);
        toggled = true;
      } else if (!editor.selection.includes(hit.id)) {
        editor.setSelection(ids);
        toggled = true;
      }
    } else if (!(frame && editor.selection.length > 1 && insideFrame(frame, world, editor.camera.zoom))) {
      this.gesture = { kind: 'marquee', startWorld: world, base: input.shiftKey ? [...editor.selection] : [], shift: input.shiftKey };
      if (!input.shiftKey) editor.setSelection([]);
      return true;
    }
    if (editor.selection.length === 0) return false;
    this.gesture = { kind: 'press', start: screen, startWorld: world, hitId: hit?.id ?? null, shift: input.shiftKey, moved: false, snapshot: this.snapshot(true), toggled };
    return true;
  }

  move(input: PointerInput, screen: Point, world: Point): void {
    const gesture = this.gesture;
    if (!gesture) return;
    const editor = this.editor;
    switch (gesture.kind) {
      case 'press':
        this.pressMove(gesture, screen, world, input.shiftKey, input.ctrlKey || input.metaKey);
        break;
      case 'resize':
        this.resizeMove(gesture, world, input.shiftKey || gesture.keepRatio);
        break;
      case 'rotate': {
        let angle = Math.atan2(world.y - gesture.center.y, world.x - gesture.center.x) - gesture.startAngle;
        if (input.shiftKey) angle = Math.round(angle / (Math.PI / 12)) * (Math.PI / 12);
        this.applyFromSnapshot(gesture.snapshot, (shape) => {
          const moved = rotatePoint(shapeCenter(shape), gesture.center, angle);
          return { x: moved.x - shape.w / 2, y: moved.y - shape.h / 2, rotation: normalizeAngle(shape.rotation + angle) };
        });
        break;
      }
      case 'marquee': {
        const marquee = normalizeRect(gesture.startWorld, world);
        editor.marquee = marquee;
        const inside = editor.scene
          .query(marquee)
          .filter((item) => boundsContain(marquee, shapeBounds(item.shape)))
          .map((item) => item.id);
        const ids = editor.board.expandGroups(inside);
        editor.setSelection(gesture.shift ? [...gesture.base, ...ids] : ids);
        break;
      }
    }
  }

  up(): void {
    const gesture = this.gesture;
    this.gesture = null;
    this.editor.guides = [];
    if (gesture?.kind === 'press' && gesture.moved) this.reparent(gesture.snapshot);
    if (gesture?.kind === 'press') {
      // A click (no drag) on a member of a multi-selection selects just that shape.
      if (!gesture.moved && gesture.hitId && !gesture.shift && !gesture.toggled && this.editor.selection.length > 1) {
        this.editor.setSelection(this.editor.board.expandGroups([gesture.hitId]));
      }
    }
    if (gesture?.kind === 'marquee') this.editor.marquee = null;
  }

  cancel(): void {
    if (this.gesture?.kind === 'marquee') this.editor.marquee = null;
    this.editor.guides = [];
    this.gesture = null;
  }

  private pressMove(gesture: Extract<Gesture, { kind: 'press' }>, screen: Point, world: Point, shift: boolean, noSnap: boolean): void {
    if (!gesture.moved) {
      if (dist(screen, gesture.start) < DRAG_THRESHOLD || this.editor.readOnly) return;
      gesture.moved = true;
      this.editor.beginGestureCapture();
    }
    let dx = world.x - gesture.startWorld.x;
    let dy = world.y - gesture.startWorld.y;
    if (shift) {
      // Shift constrains the move to the dominant axis.
      if (Math.abs(dx) > Math.abs(dy)) dy = 0;
      else dx = 0;
    }
    const editor = this.editor;
    const start = gesture.snapshot.bounds;
    editor.guides = [];
    const origin = gesture.snapshot.origin;
    if (origin && editor.gridSnap) {
      dx += snapToGrid(origin.x + dx, GRID_SIZE);
      dy += snapToGrid(origin.y + dy, GRID_SIZE);
    } else if (start && !noSnap) {
      // Snap to the edges and centres of the shapes in view (never to what is being moved).
      const moving = { minX: start.minX + dx, minY: start.minY + dy, maxX: start.maxX + dx, maxY: start.maxY + dy };
      const ids = new Set(gesture.snapshot.shapes.map((s) => s.id));
      const targets = editor.scene
        .query(editor.camera.visibleBounds(editor.viewport))
        .filter((item) => !ids.has(item.id) && item.shape.type !== 'line' && item.shape.type !== 'arrow')
        .slice(-SNAP_MAX_TARGETS)
        .map((item) => shapeBounds(item.shape));
      const snap = snapBounds(moving, targets, SNAP_PX / editor.camera.zoom);
      dx += shift && dx === 0 ? 0 : snap.dx;
      dy += shift && dy === 0 ? 0 : snap.dy;
      editor.guides = snap.guides;
    }
    this.applyFromSnapshot(gesture.snapshot, (shape) => ({ x: shape.x + dx, y: shape.y + dy }));
  }

  /**
   * Resizes in the frame's own axes about the edge opposite the handle. Dragging past that edge flips the
   * selection through it (negative scale) instead of collapsing it to a line.
   */
  private resizeMove(gesture: Extract<Gesture, { kind: 'resize' }>, world: Point, keepRatio: boolean): void {
    const { frame, handle } = gesture;
    const center = frameCenter(frame);
    const pointer = rotatePoint(world, center, -frame.rotation);
    const local = { x: pointer.x - gesture.grab.x, y: pointer.y - gesture.grab.y };
    const movesLeft = handle.includes('w');
    const movesRight = handle.includes('e');
    const movesTop = handle.includes('n');
    const movesBottom = handle.includes('s');
    const anchor = { x: movesLeft ? frame.x + frame.w : frame.x, y: movesTop ? frame.y + frame.h : frame.y };
    let sx = frame.w > 0 && (movesLeft || movesRight) ? (movesLeft ? anchor.x - local.x : local.x - anchor.x) / frame.w : 1;
    let sy = frame.h > 0 && (movesTop || movesBottom) ? (movesTop ? anchor.y - local.y : local.y - anchor.y) / frame.h : 1;
    if (keepRatio && (movesLeft || movesRight) && (movesTop || movesBottom)) {
      const s = Math.max(Math.abs(sx), Math.abs(sy));
      sx = Math.sign(sx || 1) * s;
      sy = Math.sign(sy || 1) * s;
    }
    // never exactly zero: a shape keeps at least a pixel of size while it passes through the anchor
    if (Math.abs(sx * frame.w) < 1) sx = Math.sign(sx || 1) / Math.max(frame.w, 1);
    if (Math.abs(sy * frame.h) < 1) sy = Math.sign(sy || 1) / Math.max(frame.h, 1);
    if (!Number.isFinite(sx) || !Number.isFinite(sy)) return;
    this.applyFromSnapshot(gesture.snapshot, (shape) => scaleShapePatch(shape, frame, anchor, sx, sy));
  }

  /**
   * What a move, resize or rotate changes: the selected shapes that are not locked; a move also carries the
   * children of selected frames along.
   */
  private snapshot(withChildren = false): Snapshot {
    const shapes = this.editor.selectedShapes().filter((shape) => !shape.locked);
    if (withChildren && shapes.some((shape) => shape.type === 'frame')) {
      const ids = new Set(shapes.map((shape) => shape.id));
      for (const frame of shapes.filter((shape) => shape.type === 'frame'))
        for (const child of this.editor.frameChildren(frame.id)) {
          if (ids.has(child.id) || child.locked) continue;
          ids.add(child.id);
          shapes.push(child);
        }
    }
    const origin = shapes.length > 0 ? { x: Math.min(...shapes.map((s) => s.x)), y: Math.min(...shapes.map((s) => s.y)) } : null;
    return { shapes, bounds: unionBounds(shapes.map((shape) => shapeBounds(shape))), origin };
  }

  /**
   * After a move, each moved shape belongs to the frame its centre landed in (or to none); children that
   * moved with their frame keep it.
   */
  private reparent(snapshot: Snapshot): void {
    const editor = this.editor;
    const moving = new Set(snapshot.shapes.map((shape) => shape.id));
    const patches: Array<[string, ShapePatch]> = [];
    for (const before of snapshot.shapes) {
      const shape = editor.board.getShape(before.id);
      if (!shape || shape.type === 'frame' || (shape.frameId && moving.has(shape.frameId))) continue;
      const frameId = editor.frameAt(shapeCenter(shape), moving)?.id ?? null;
      if (frameId !== shape.frameId) patches.push([shape.id, { frameId }]);
    }
    if (patches.length > 0) editor.board.updateShapes(patches);
  }

  private applyFromSnapshot(snapshot: Snapshot, patch: (shape: Shape) => ShapePatch): void {
    const board = this.editor.board;
    const patches = snapshot.shapes.filter((s) => board.has(s.id)).map((shape) => [shape.id, patch(shape)] as const);
    try {
      board.updateShapes(patches);
    } catch {
      // A degenerate intermediate (e.g. zero-size) is skipped; the next move applies.
    }
  }
}

function insideFrame(selected: Frame, p: Point, zoom: number): boolean {
  const frame = displayFrame(selected, zoom);
  const local = rotatePoint(p, frameCenter(frame), -frame.rotation);
  return local.x >= frame.x && local.x <= frame.x + frame.w && local.y >= frame.y && local.y <= frame.y + frame.h;
}
