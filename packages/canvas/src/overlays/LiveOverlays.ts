import { Shape, type Board } from '@meshboard/board';
import type { Camera, Viewport } from '../camera.js';
import type { TextEditSession } from '../editor.js';

/** How long a laser point stays visible (matches @meshboard/protocol LASER_FADE_MS). */
export const LASER_FADE_MS = 1000;
/** Most laser points kept per trail. */
const MAX_TRAIL = 60;
/** Most freehand points (x, y, pressure) a published draft carries: the stroke's latest part. */
const MAX_DRAFT_POINTS = 1500;
/** Longest text a published typing draft carries. */
const MAX_DRAFT_TEXT = 4000;

/** What this tab is drawing or typing right now, as published to others. */
export interface LocalLiveDraft {
  shape?: Shape;
  text?: Omit<TextEditSession, 'text'> & { text: string };
}

/** A laser trail as published: world points with their age (ms) when it was sent. */
export interface LaserTrailOut {
  at: number;
  points: Array<[number, number, number]>;
}

/**
 * Someone else's live state, as the host read it from awareness (already size-checked by the host; the draft
 * shape is checked here against the board's own Shape schema before anything draws it).
 */
export interface RemoteLive {
  clientId: number;
  color: string;
  draft?: { shape?: unknown; text?: LocalLiveDraft['text'] } | null;
  laser?: LaserTrailOut | null;
}

interface Trail {
  color: string;
  /** x, y, local time (performance.now() scale) */
  points: Array<[number, number, number]>;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * The live layer over the board: other people's drafts (a stroke, a shape being dragged out, text being
 * typed) and laser trails, local and remote. Nothing here touches the Y.Doc: it is drawn and forgotten.
 */
export class LiveOverlays {
  private remoteShapes: Shape[] = [];
  private readonly remoteTrails = new Map<number, Trail & { sentAt: number }>();
  private readonly parsed = new Map<number, { source: unknown; shape: Shape | null }>();
  private localTrail: Trail | null = null;
  private laserDown = false;

  constructor(private readonly board: Board) {}

  // ---- remote ------------------------------------------------------------------------------------------

  setRemote(people: readonly RemoteLive[]): void {
    const shapes: Shape[] = [];
    const seen = new Set<number>();
    const t = now();
    for (const person of people) {
      seen.add(person.clientId);
      const shape = this.remoteDraftShape(person);
      if (shape) shapes.push(shape);
      const laser = person.laser;
      const known = this.remoteTrails.get(person.clientId);
      if (laser && laser.points.length > 0) {
        if (!known || known.sentAt !== laser.at) {
          const points = laser.points.slice(-MAX_TRAIL).map(([x, y, age]): [number, number, number] => [x, y, t - age]);
          this.remoteTrails.set(person.clientId, { color: person.color, points, sentAt: laser.at });
        }
      }
    }
    for (const id of [...this.remoteTrails.keys()]) if (!seen.has(id)) this.remoteTrails.delete(id);
    for (const id of [...this.parsed.keys()]) if (!seen.has(id)) this.parsed.delete(id);
    this.remoteShapes = shapes;
  }

  /** Other people's drafts as shape records, drawn by the renderer like our own drafts. */
  remoteDrafts(): readonly Shape[] {
    return this.remoteShapes;
  }

  private remoteDraftShape(person: RemoteLive): Shape | null {
    const draft = person.draft;
    const source = draft?.shape ?? draft?.text ?? null;
    const cached = this.parsed.get(person.clientId);
    if (cached && cached.source === source) return cached.shape;
    let shape: Shape | null = null;
    const id = `live-draft-${person.clientId}`;
    try {
      if (draft?.shape) {
        const result = Shape.safeParse({ ...(draft.shape as object), id, z: 'draft' });
        shape = result.success ? result.data : null;
      } else if (draft?.text) {
        const text = draft.text;
        const existing = text.id ? this.board.getShape(text.id) : null;
        if (existing && 'text' in existing) {
          const result = Shape.safeParse({ ...existing, id, text: text.text });
          shape = result.success ? result.data : null;
        } else if (!text.id && text.text) {
          const result = Shape.safeParse({ type: 'text', id, z: 'draft', x: text.x, y: text.y, w: Math.max(text.w, 1), h: Math.max(text.h, 1), rotation: text.rotation, text: text.text, fontSize: text.fontSize, fontFamily: text.fontFamily, textAlign: text.textAlign, strokeColor: text.color });
          shape = result.success ? result.data : null;
        }
      }
    } catch {
      shape = null;
    }
    this.parsed.set(person.clientId, { source, shape });
    return shape;
  }

  // ---- local laser -------------------------------------------------------------------------------------

  laserStart(x: number, y: number, color: string): void {
    this.laserDown = true;
    this.localTrail = { color, points: [[x, y, now()]] };
  }

  laserMove(x: number, y: number): boolean {
    if (!this.laserDown || !this.localTrail) return false;
    this.localTrail.points.push([x, y, now()]);
    if (this.localTrail.points.length > MAX_TRAIL) this.localTrail.points.splice(0, this.localTrail.points.length - MAX_TRAIL);
    return true;
  }

  laserEnd(): void {
    this.laserDown = false;
  }

  get lasering(): boolean {
    return this.laserDown;
  }

  /** Our trail as published (points younger than the fade), or null when nothing is left of it. */
  localLaser(): LaserTrailOut | null {
    const trail = this.localTrail;
    if (!trail) return null;
    const t = now();
    const points = trail.points.filter((p) => t - p[2] < LASER_FADE_MS);
    if (points.length === 0 && !this.laserDown) {
      this.localTrail = null;
      return null;
    }
    return { at: Date.now(), points: points.map(([x, y, time]) => [round(x), round(y), Math.round(t - time)]) };
  }

  // ---- drawing -----------------------------------------------------------------------------------------

  /** Draws laser trails over the board; true while any of them is still fading (another frame is wanted). */
  draw(ctx: CanvasRenderingContext2D, camera: Camera, viewport: Viewport, dpr: number): boolean {
    const t = now();
    const trails: Trail[] = [...this.remoteTrails.values()];
    if (this.localTrail) trails.push(this.localTrail);
    let animating = false;
    ctx.save();
    ctx.setTransform(dpr * camera.zoom, 0, 0, dpr * camera.zoom, -camera.x * camera.zoom * dpr, -camera.y * camera.zoom * dpr);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const trail of trails) {
      const points = trail.points.filter((p) => t - p[2] < LASER_FADE_MS);
      trail.points = points;
      if (points.length === 0) continue;
      animating = true;
      for (let i = 0; i < points.length; i++) {
        const [x, y, time] = points[i]!;
        const alpha = Math.max(0, 1 - (t - time) / LASER_FADE_MS);
        const [px, py] = i > 0 ? points[i - 1]! : [x, y];
        ctx.globalAlpha = alpha;
        ctx.strokeStyle = trail.color;
        ctx.lineWidth = (4 + 3 * alpha) / camera.zoom;
        ctx.beginPath();
        ctx.moveTo(px, py);
        ctx.lineTo(x + (i === 0 ? 0.01 : 0), y);
        ctx.stroke();
      }
      const [hx, hy] = points[points.length - 1]!;
      ctx.globalAlpha = 1;
      ctx.fillStyle = trail.color;
      ctx.beginPath();
      ctx.arc(hx, hy, 5 / camera.zoom, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.restore();
    void viewport;
    return animating || this.laserDown;
  }
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The draft this tab publishes: the shape being drawn (a long stroke: its latest part) or the text being typed. */
export function localLiveDraft(drafts: readonly Shape[], textEdit: TextEditSession | null): LocalLiveDraft | null {
  if (textEdit) return { text: { ...textEdit, text: textEdit.text.slice(0, MAX_DRAFT_TEXT) } };
  const shape = drafts[0];
  if (!shape) return null;
  if (shape.type === 'freehand' && shape.points.length > MAX_DRAFT_POINTS * 3) {
    return { shape: { ...shape, points: shape.points.slice(-MAX_DRAFT_POINTS * 3) } };
  }
  return { shape };
}
