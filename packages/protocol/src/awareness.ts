import { z } from 'zod';
import { measureJson, type JsonBounds } from './bounded.js';
import { PresenceUser } from './socket.js';

/**
 * The y-protocols awareness state every tab publishes (over WebRTC and through the relay), and how a receiver
 * reads someone else's: a peer's state is untrusted input, so it is measured (iteratively, see bounded.ts) and
 * parsed field by field; a field that does not parse is dropped on its own, never the whole person, and never
 * an exception in the renderer. Live fields ride in awareness rather than in new server events: they are
 * ephemeral (never in the Y.Doc, never in history) and already reach everyone on every path.
 *
 *   user       who this is (the same id in two tabs of one browser: shown once)
 *   cursor     pointer in world coordinates, or null
 *   selection  selected shape ids
 *   draft      what is being drawn or typed right now (shown to others before it is committed)
 *   laser      the laser pointer's recent trail (fades after LASER_FADE_MS; never stored)
 *   view       the visible world rectangle (followers fit it)
 *   present    set while this person asks everyone to follow them (a presentation)
 */

/** Live fields (cursor, draft, laser, view) leave a tab at most this often (one awareness frame each time). */
export const LIVE_HZ = 20;
/** How long a laser point stays visible. */
export const LASER_FADE_MS = 1000;
/** Most points a laser trail carries (older ones are dropped first). */
export const MAX_LASER_POINTS = 60;
/** Most freehand points (x, y, pressure triples) a draft stroke carries; a longer one sends its latest part. */
export const MAX_DRAFT_POINTS = 1500;
/** Longest text a typing draft carries. */
export const MAX_DRAFT_TEXT = 4000;
/** Size bounds of one peer's whole awareness state (measured before any parsing). */
export const AWARENESS_STATE_BOUNDS = { maxDepth: 8, maxBytes: 96 * 1024, maxNodes: 3 * MAX_DRAFT_POINTS + 1024 } as const satisfies JsonBounds;

const Finite = z.number().finite().min(-1e9).max(1e9);
const Point = z.object({ x: Finite, y: Finite });
const ShapeId = z.string().min(1).max(64);
/** a wall-clock time (ms since the epoch) on the sender's clock */
const Time = z.number().finite().min(0).max(1e14);

/** Typing in progress: a new text at (x, y), or the text of an existing shape (`id`) being edited. */
export const TextDraft = z.object({
  id: ShapeId.nullable(),
  type: z.enum(['text', 'sticky', 'label']),
  x: Finite,
  y: Finite,
  w: Finite,
  h: Finite,
  rotation: Finite,
  fontSize: z.number().finite().min(1).max(1000),
  fontFamily: z.enum(['hand', 'sans', 'serif', 'mono']),
  textAlign: z.enum(['left', 'center', 'right']),
  color: z.string().max(32),
  text: z.string().max(MAX_DRAFT_TEXT),
});
export type TextDraft = z.infer<typeof TextDraft>;

/**
 * What a tab is drawing or typing. `shape` is a board shape record (the board package's Shape schema checks
 * it on the receiving side: the protocol does not know shape types).
 */
export const LiveDraft = z.object({
  shape: z.unknown().optional(),
  text: TextDraft.optional(),
});
export type LiveDraft = z.infer<typeof LiveDraft>;

/** A laser trail: world points with their age in ms relative to `at` (the sender's clock at publishing). */
export const LaserTrail = z.object({
  at: Time,
  points: z.array(z.tuple([Finite, Finite, z.number().finite().min(0).max(60_000)])).max(MAX_LASER_POINTS),
});
export type LaserTrail = z.infer<typeof LaserTrail>;

/** The world rectangle a tab shows (x, y = top-left corner). */
export const ViewRect = z.object({ x: Finite, y: Finite, w: z.number().finite().positive().max(1e9), h: z.number().finite().positive().max(1e9) });
export type ViewRect = z.infer<typeof ViewRect>;

/** A presentation: everyone is asked to follow; `since` tells a new request from the one already dismissed. */
export const PresentRequest = z.object({ since: Time, frame: z.number().int().min(0).max(100_000).nullable() });
export type PresentRequest = z.infer<typeof PresentRequest>;

export interface AwarenessState {
  user?: PresenceUser;
  cursor?: { x: number; y: number } | null;
  selection?: string[];
  draft?: LiveDraft | null;
  laser?: LaserTrail | null;
  view?: ViewRect | null;
  present?: PresentRequest | null;
}

const FIELDS = {
  user: PresenceUser,
  cursor: Point.nullable(),
  selection: z.array(ShapeId).max(1000),
  draft: LiveDraft.nullable(),
  laser: LaserTrail.nullable(),
  view: ViewRect.nullable(),
  present: PresentRequest.nullable(),
} as const;

/**
 * Someone's awareness state as far as it is well-formed: oversize or non-object states read as `null`, and
 * each field is kept only if it parses. Never throws.
 */
export function readAwarenessState(raw: unknown): AwarenessState | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  if (!measureJson(raw, AWARENESS_STATE_BOUNDS).ok) return null;
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(FIELDS)) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as AwarenessState;
}
