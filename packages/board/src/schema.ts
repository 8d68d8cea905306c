import { z } from 'zod';

/**
 * The shape records a board holds. Shapes reach a reader from other peers over the network, so every read
 * goes through these schemas: a malformed shape is skipped (and counted), never allowed to crash a reader.
 * Style fields have defaults so a shape written by an older client still reads.
 */
/** Append only: stored shapes refer to a type by its index here (storage.ts). */
export const SHAPE_TYPES = ['freehand', 'rectangle', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'image'] as const;
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

/**
 * The default of every field that has one (no field's default depends on the shape type). The schemas below
 * take their defaults from here, and storage leaves a field out of a new shape when it holds its default.
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
} as const;

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
};

const textFields = {
  text: z.string().max(100_000).default(FIELD_DEFAULTS.text),
  fontSize: z.number().finite().min(1).max(1000).default(FIELD_DEFAULTS.fontSize),
  textAlign: z.enum(['left', 'center', 'right']).default(FIELD_DEFAULTS.textAlign),
};

export const FreehandShape = z.object({
  ...baseShape,
  type: z.literal('freehand'),
  /** x, y relative to the shape's origin, then pressure 0..1 */
  points,
  variant: z.enum(['pen', 'highlighter']).default(FIELD_DEFAULTS.variant),
});
export const BoxShape = z.object({ ...baseShape, type: z.enum(['rectangle', 'ellipse', 'diamond']) });
export const LineShape = z.object({ ...baseShape, type: z.literal('line'), points: pointList(4) });
export const ArrowShape = z.object({
  ...baseShape,
  type: z.literal('arrow'),
  points: pointList(4),
  /** id of the shape the start / end is bound to; the canvas resolves bound ends from the shape's bounds */
  startBinding: id.nullable().default(FIELD_DEFAULTS.startBinding),
  endBinding: id.nullable().default(FIELD_DEFAULTS.endBinding),
  startArrowhead: z.enum(['none', 'arrow']).default(FIELD_DEFAULTS.startArrowhead),
  endArrowhead: z.enum(['none', 'arrow']).default(FIELD_DEFAULTS.endArrowhead),
});
export const TextShape = z.object({ ...baseShape, type: z.literal('text'), ...textFields });
export const StickyShape = z.object({ ...baseShape, type: z.literal('sticky'), ...textFields });
export const ImageShape = z.object({
  ...baseShape,
  type: z.literal('image'),
  /** sha-256 hex of the image bytes; the bytes live once in the board's assets map */
  assetId: z.string().regex(/^[0-9a-f]{64}$/),
});

export const Shape = z.discriminatedUnion('type', [FreehandShape, BoxShape, LineShape, ArrowShape, TextShape, StickyShape, ImageShape]);
export type Shape = z.infer<typeof Shape>;
export type FreehandShape = z.infer<typeof FreehandShape>;
export type BoxShape = z.infer<typeof BoxShape>;
export type LineShape = z.infer<typeof LineShape>;
export type ArrowShape = z.infer<typeof ArrowShape>;
export type TextShape = z.infer<typeof TextShape>;
export type StickyShape = z.infer<typeof StickyShape>;
export type ImageShape = z.infer<typeof ImageShape>;

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

/**
 * An image of the board, referenced by `ImageShape.assetId` (its sha-256): the `assets` map holds this
 * metadata only; the bytes are a content-addressed blob (store, browser cache, peers; see assets.ts).
 */
const assetMimeType = z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']);
const assetBytes = z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= 10 * 1024 * 1024, 'image over 10 MiB');
export const Asset = z.object({
  mimeType: assetMimeType,
  /** bytes of the blob */
  size: z.number().int().positive(),
  width: size,
  height: size,
});
export type Asset = z.infer<typeof Asset>;
/** What `Board.addAsset` takes: the image with its bytes (which go to the blob layer, not into the doc). */
export const AssetInput = z.object({ mimeType: assetMimeType, data: assetBytes, width: size, height: size });
export type AssetInput = z.infer<typeof AssetInput>;
/** The old layout of an `assets` entry, bytes inline in the doc: still read, migrated to a blob by editors. */
export const LegacyAsset = AssetInput;

export const MAX_TITLE_LENGTH = 200;
