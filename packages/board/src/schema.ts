import { z } from 'zod';

/**
 * The shape records a board holds. Shapes reach a reader from other peers over the network, so every read
 * goes through these schemas: a malformed shape is skipped (and counted), never allowed to crash a reader.
 * Style fields have defaults so a shape written by an older client still reads.
 */
/** Append only: stored shapes refer to a type by its index here (storage.ts). */
export const SHAPE_TYPES = ['freehand', 'rectangle', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'image', 'frame'] as const;
export const ShapeType = z.enum(SHAPE_TYPES);
export type ShapeType = z.infer<typeof ShapeType>;

/** Coordinates are finite and bounded, so one bad peer cannot poison bounds or the spatial index. */
const MAX_COORD = 1e9;
const coord = z.number().finite().min(-MAX_COORD).max(MAX_COORD);
const size = z.number().finite().min(0).max(MAX_COORD);
const color = z.string().max(64);
const id = z.string().min(1).max(64);
/** Flat number arrays: [x, y, pressure, ...] for freehand, [x0, y0, x1, y1, ...] for lines and arrows. */
const MAX_POINT_VALUES = 3 * 20_000;
const isCoord = (value: unknown) => typeof value === 'number' && value >= -MAX_COORD && value <= MAX_COORD; // NaN fails both
/**
 * Checked in one tight loop rather than element by element through `z.array(coord)`: a board's strokes hold
 * millions of values, and the per-element pipeline was a quarter of reading a 50,000-shape board.
 */
const pointList = (min: number) =>
  z.custom<number[]>((value) => Array.isArray(value) && value.length >= min && value.length <= MAX_POINT_VALUES && value.every(isCoord), {
    message: `points: ${min > 0 ? `${min} to ` : 'at most '}${MAX_POINT_VALUES} finite coordinates within ±${MAX_COORD}`,
  });
const points = pointList(0);

export const DEFAULT_STYLE = {
  strokeColor: '#1e1e1e',
  fillColor: 'transparent',
  strokeWidth: 2,
  opacity: 1,
} as const;

export const STROKE_STYLES = ['solid', 'dashed', 'dotted'] as const;
export type StrokeStyle = (typeof STROKE_STYLES)[number];
export const ARROWHEADS = ['none', 'arrow', 'triangle', 'bar', 'dot'] as const;
export type Arrowhead = (typeof ARROWHEADS)[number];
export const ARROW_TYPES = ['straight', 'curved', 'elbow'] as const;
export type ArrowType = (typeof ARROW_TYPES)[number];
export const FONT_FAMILIES = ['hand', 'sans', 'serif', 'mono'] as const;
export type FontFamily = (typeof FONT_FAMILIES)[number];
export const TEXT_ALIGNS = ['left', 'center', 'right'] as const;
export const VERTICAL_ALIGNS = ['top', 'middle', 'bottom'] as const;
/** 0 clean, 1 hand-drawn, 2 very sloppy (Excalidraw's architect / artist / cartoonist). */
export const ROUGHNESS_LEVELS = [0, 1, 2] as const;
export type Roughness = (typeof ROUGHNESS_LEVELS)[number];
export const MAX_FRAME_NAME_LENGTH = 200;

/**
 * The default of every field that has one. The schemas below take their defaults from here, and storage
 * leaves a field out of a new shape when it holds its default. Only TYPE_DEFAULTS may override one for a type.
 */
export const FIELD_DEFAULTS = {
  ...DEFAULT_STYLE,
  rotation: 0,
  groupId: null,
  author: '',
  createdAt: 0,
  text: '',
  fontSize: 20,
  textAlign: 'left',
  variant: 'pen',
  startBinding: null,
  endBinding: null,
  startArrowhead: 'none',
  endArrowhead: 'arrow',
  locked: false,
  frameId: null,
  strokeStyle: 'solid',
  roughness: 0,
  seed: 0,
  fontFamily: 'sans',
  verticalAlign: 'middle',
  cornerRadius: 0,
  arrowType: 'straight',
  name: '',
} as const;

/**
 * Per-type exceptions to FIELD_DEFAULTS. A line had no arrowheads before they became fields, so its end
 * defaults to 'none' (an old line must not grow an arrow); storage consults this too (`defaultOf`).
 */
export const TYPE_DEFAULTS: Partial<Record<ShapeType, Readonly<Record<string, unknown>>>> = {
  line: { endArrowhead: 'none' },
};

/** The default of `key` for a shape of `type`, or undefined when the field has none. */
export function defaultOf(type: string, key: string): unknown {
  const own = TYPE_DEFAULTS[type as ShapeType];
  if (own && key in own) return own[key];
  return (FIELD_DEFAULTS as Record<string, unknown>)[key];
}

const baseShape = {
  id,
  x: coord,
  y: coord,
  w: size,
  h: size,
  /** radians, around the shape's centre */
  rotation: z.number().finite().default(FIELD_DEFAULTS.rotation),
  /** fractional index (see zorder.ts); ties break by id */
  z: z.string().min(1).max(256),
  strokeColor: color.default(FIELD_DEFAULTS.strokeColor),
  fillColor: color.default(FIELD_DEFAULTS.fillColor),
  strokeWidth: z.number().finite().min(0).max(200).default(FIELD_DEFAULTS.strokeWidth),
  opacity: z.number().finite().min(0).max(1).default(FIELD_DEFAULTS.opacity),
  /** shapes sharing a group id select and transform together */
  groupId: id.nullable().default(FIELD_DEFAULTS.groupId),
  author: z.string().max(128).default(FIELD_DEFAULTS.author),
  createdAt: z.number().finite().default(FIELD_DEFAULTS.createdAt),
  /** a locked shape cannot be selected by clicking, moved or edited until unlocked */
  locked: z.boolean().default(FIELD_DEFAULTS.locked),
  /** the frame holding this shape (moving the frame moves it, the frame clips it), or null */
  frameId: id.nullable().default(FIELD_DEFAULTS.frameId),
  strokeStyle: z.enum(STROKE_STYLES).default(FIELD_DEFAULTS.strokeStyle),
  roughness: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(FIELD_DEFAULTS.roughness),
  /** seed of the hand-drawn lines; 0 = derive from the id, so every peer draws the same lines */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(FIELD_DEFAULTS.seed),
};

const arrowheads = {
  startArrowhead: z.enum(ARROWHEADS).default(FIELD_DEFAULTS.startArrowhead),
  endArrowhead: z.enum(ARROWHEADS).default(FIELD_DEFAULTS.endArrowhead),
};

const textFields = {
  text: z.string().max(100_000).default(FIELD_DEFAULTS.text),
  fontSize: z.number().finite().min(1).max(1000).default(FIELD_DEFAULTS.fontSize),
  textAlign: z.enum(TEXT_ALIGNS).default(FIELD_DEFAULTS.textAlign),
  fontFamily: z.enum(FONT_FAMILIES).default(FIELD_DEFAULTS.fontFamily),
  verticalAlign: z.enum(VERTICAL_ALIGNS).default(FIELD_DEFAULTS.verticalAlign),
};

export const FreehandShape = z.object({
  ...baseShape,
  type: z.literal('freehand'),
  /** x, y relative to the shape's origin, then pressure 0..1 */
  points,
  variant: z.enum(['pen', 'highlighter']).default(FIELD_DEFAULTS.variant),
});
/** Box shapes carry a label (the text fields). `cornerRadius` rounds rectangles and diamonds; ellipses ignore it. */
export const BoxShape = z.object({
  ...baseShape,
  type: z.enum(['rectangle', 'ellipse', 'diamond']),
  ...textFields,
  cornerRadius: z.number().finite().min(0).max(MAX_COORD).default(FIELD_DEFAULTS.cornerRadius),
});
export const LineShape = z.object({
  ...baseShape,
  type: z.literal('line'),
  points: pointList(4),
  startArrowhead: arrowheads.startArrowhead,
  endArrowhead: z.enum(ARROWHEADS).default('none'), // TYPE_DEFAULTS.line
});
export const ArrowShape = z.object({
  ...baseShape,
  type: z.literal('arrow'),
  points: pointList(4),
  /** id of the shape the start / end is bound to; the canvas resolves bound ends from the shape's bounds */
  startBinding: id.nullable().default(FIELD_DEFAULTS.startBinding),
  endBinding: id.nullable().default(FIELD_DEFAULTS.endBinding),
  ...arrowheads,
  arrowType: z.enum(ARROW_TYPES).default(FIELD_DEFAULTS.arrowType),
  /** the label, drawn on the line */
  ...textFields,
});
export const TextShape = z.object({ ...baseShape, type: z.literal('text'), ...textFields });
export const StickyShape = z.object({ ...baseShape, type: z.literal('sticky'), ...textFields });
export const ImageShape = z.object({
  ...baseShape,
  type: z.literal('image'),
  /** sha-256 hex of the image bytes; the bytes live once in the board's assets map */
  assetId: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A named area: its children are the shapes whose `frameId` is its id; it is drawn beneath them and clips them. */
export const FrameShape = z.object({
  ...baseShape,
  type: z.literal('frame'),
  name: z.string().max(MAX_FRAME_NAME_LENGTH).default(FIELD_DEFAULTS.name),
});

export const Shape = z.discriminatedUnion('type', [FreehandShape, BoxShape, LineShape, ArrowShape, TextShape, StickyShape, ImageShape, FrameShape]);
export type Shape = z.infer<typeof Shape>;
export type FreehandShape = z.infer<typeof FreehandShape>;
export type BoxShape = z.infer<typeof BoxShape>;
export type LineShape = z.infer<typeof LineShape>;
export type ArrowShape = z.infer<typeof ArrowShape>;
export type TextShape = z.infer<typeof TextShape>;
export type StickyShape = z.infer<typeof StickyShape>;
export type ImageShape = z.infer<typeof ImageShape>;
export type FrameShape = z.infer<typeof FrameShape>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/**
 * What `Board.addShape` takes: the schema's input type (fields with defaults are optional), with id and
 * z-order optional too (filled in when absent); author and creation time are always set by the board.
 */
export type NewShape = DistributiveOmit<z.input<typeof Shape>, 'id' | 'z' | 'author' | 'createdAt'> & {
  id?: string;
  z?: string;
};

/** A partial update: any field but the identity ones. Keys left out are untouched (others' edits survive). */
export type ShapePatch = Partial<DistributiveOmit<Shape, 'id' | 'type' | 'author' | 'createdAt'>>;

/** An image stored once per board, referenced by `ImageShape.assetId` (its sha-256). */
export const Asset = z.object({
  mimeType: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']),
  data: z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= 10 * 1024 * 1024, 'image over 10 MiB'),
  width: size,
  height: size,
});
export type Asset = z.infer<typeof Asset>;

export const MAX_TITLE_LENGTH = 200;
