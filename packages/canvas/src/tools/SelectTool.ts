import { rotatePoint, shapeBounds, shapeCenter, type Point, type Shape, type ShapePatch } from '@meshboard/board';
import type { Editor } from '../editor.js';
import { boundsContain, normalizeRect } from '../geometry.js';
import type { PointerInput } from '../input.js';
import { HANDLES, displayFrame, frameCenter, hitHandle, type Frame, type HandleId } from '../selection.js';
import { DRAG_THRESHOLD, dist, normalizeAngle } from './gesture-math.js';
import type { Tool } from './Tool.js';

interface Snapshot {
  shapes: Shape[];
}

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
    this.gesture = { kind: 'press', start: screen, startWorld: world, hitId: hit?.id ?? null, shift: input.shiftKey, moved: false, snapshot: this.snapshot(), toggled };
    return true;
  }

  move(input: PointerInput, screen: Point, world: Point): void {
    const gesture = this.gesture;
    if (!gesture) return;
    const editor = this.editor;
    switch (gesture.kind) {
      case 'press':
        this.pressMove(gesture, screen, world, input.shiftKey);
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
    this.gesture = null;
  }

  private pressMove(gesture: Extract<Gesture, { kind: 'press' }>, screen: Point, world: Point, shift: boolean): void {
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
    this.applyFromSnapshot(gesture.snapshot, (shape) => ({ x: shape.x + dx, y: shape.y + dy }));
  }

  private resizeMove(gesture: Extract<Gesture, { kind: 'resize' }>, world: Point, keepRatio: boolean): void {
    const { frame, handle } = gesture;
    // Work in the frame's own (unrotated) axes so rotated shapes resize along their sides.
    const center = frameCenter(frame);
    const pointer = rotatePoint(world, center, -frame.rotation);
    const local = { x: pointer.x - gesture.grab.x, y: pointer.y - gesture.grab.y };
    const movesLeft = handle.includes('w');
    const movesRight = handle.includes('e');
    const movesTop = handle.includes('n');
    const movesBottom = handle.includes('s');
    let minX = frame.x;
    let maxX = frame.x + frame.w;
    let minY = frame.y;
    let maxY = frame.y + frame.h;
    const minSize = 1;
    if (movesLeft) minX = Math.min(local.x, maxX - minSize);
    if (movesRight) maxX = Math.max(local.x, minX + minSize);
    if (movesTop) minY = Math.min(local.y, maxY - minSize);
    if (movesBottom) maxY = Math.max(local.y, minY + minSize);
    let sx = frame.w > 0 ? (maxX - minX) / frame.w : 1;
    let sy = frame.h > 0 ? (maxY - minY) / frame.h : 1;
    if (keepRatio && (movesLeft || movesRight) && (movesTop || movesBottom)) {
      const s = Math.max(sx, sy);
      sx = s;
      sy = s;
      if (movesLeft) minX = maxX - frame.w * s;
      else maxX = minX + frame.w * s;
      if (movesTop) minY = maxY - frame.h * s;
      else maxY = minY + frame.h * s;
    }
    if (!(sx > 0) || !(sy > 0) || !Number.isFinite(sx) || !Number.isFinite(sy)) return;
    // The anchor (the unmoved side) stays put in world space; the new frame's centre is rotated back.
    const newCenterLocal = { x: (minX + maxX) / 2, y: (minY + maxY) / 2 };
    const newCenter = rotatePoint(newCenterLocal, center, frame.rotation);
    const newFrame = { x: newCenter.x - (maxX - minX) / 2, y: newCenter.y - (maxY - minY) / 2 };
    this.applyFromSnapshot(gesture.snapshot, (shape) => {
      // Each shape's position relative to the frame, in frame axes, scaled; sizes scale along frame axes
      // (exact for a single shape or unrotated shapes; approximate for rotated members of a multi-select).
      const c = rotatePoint(shapeCenter(shape), center, -frame.rotation);
      const rel = { x: (c.x - frame.x) * sx, y: (c.y - frame.y) * sy };
      const nc = rotatePoint({ x: newFrame.x + rel.x, y: newFrame.y + rel.y }, { x: newFrame.x + (maxX - minX) / 2, y: newFrame.y + (maxY - minY) / 2 }, frame.rotation);
      const w = shape.w * sx;
      const h = shape.h * sy;
      const patch: Record<string, unknown> = { x: nc.x - w / 2, y: nc.y - h / 2, w, h };
      if (shape.type === 'freehand') patch.points = shape.points.map((v, i) => (i % 3 === 0 ? v * sx : i % 3 === 1 ? v * sy : v));
      if (shape.type === 'line' || shape.type === 'arrow') patch.points = shape.points.map((v, i) => (i % 2 === 0 ? v * sx : v * sy));
      // Text scales its font with the box (corner drags); sticky notes keep theirs and just reflow.
      if (shape.type === 'text') patch.fontSize = Math.min(1000, Math.max(1, shape.fontSize * Math.min(sx, sy)));
      return patch as ShapePatch;
    });
  }

  private snapshot(): Snapshot {
    return { shapes: this.editor.selectedShapes() };
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
