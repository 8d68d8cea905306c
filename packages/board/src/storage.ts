import * as Y from 'yjs';
import { defaultOf, SHAPE_TYPES, type Shape } from './schema.js';

/**
 * How one shape is laid out in its Y.Map (the entry under its id in the `shapes` map):
 *
 *   base:    every field as the shape was created, written once, never changed: an array
 *            [BASE_FORMAT, ...the POSITIONAL fields in order, rest] where a field holding its default is
 *            null, `type` is its index in SHAPE_TYPES, and `rest` (if any) is an object of the other
 *            fields that are not default (`points` packed as bytes). Shapes from before this format have
 *            a plain object of fields here, which reads the same way.
 *   <field>: a field edited after creation, one key per field; it overrides `base`.
 *
 * Why not one key per field from the start: Yjs pays per item, and a board of 50,000 shapes laid out that
 * way was ~850,000 items and 30 MB that took 2.9 s to decode in Chromium. With `base` a shape nobody has
 * edited is two items; edits still write one key per field, so two people changing different fields of
 * one shape at once both keep their change (a single value per shape would lose one of them).
 * Why positions, not an object: in Chromium most of decoding a board is turning bytes into strings
 * (TextDecoder, once per string), and every key of an object is one. Positions cut a shape from ~19
 * strings to ~7. Shapes written before `base` existed (every field a key) read the same way.
 */
export const BASE_KEY = 'base';
/** Version of the positional `base` array (its first element). */
export const BASE_FORMAT = 1;
/** Fields stored by position in `base`, in this order. Stored boards depend on it: any change needs a new BASE_FORMAT. */
const POSITIONAL = ['type', 'x', 'y', 'w', 'h', 'rotation', 'z', 'strokeColor', 'fillColor', 'strokeWidth', 'opacity', 'groupId', 'author', 'createdAt'] as const;
const POSITIONAL_SET: ReadonlySet<string> = new Set(POSITIONAL);
const REST_INDEX = POSITIONAL.length + 1;


/**
 * Point lists are stored as little-endian int32 hundredths (of a pixel, or of pressure): 4 bytes a value
 * instead of 9, read in one go instead of one tagged number at a time. A hundredth of a pixel is below
 * anything a screen shows at the highest zoom, and decimal inputs like 0.8 read back exactly.
 * A list with a value too large for that form is stored as plain numbers (still readable, just larger).
 */
const POINTS_KEY = 'points';
const POINT_SCALE = 100;
const MAX_PACKED = 2 ** 31 - 1;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const roundPoint = (value: number) => Math.round(value * POINT_SCALE) / POINT_SCALE;
const packable = (points: readonly number[]) => points.every((value) => Number.isFinite(value) && Math.abs(value * POINT_SCALE) <= MAX_PACKED);

function packPoints(points: readonly number[]): Uint8Array | readonly number[] {
  if (!packable(points)) return points;
  const ints = Int32Array.from(points, (value) => Math.round(value * POINT_SCALE));
  if (littleEndian) return new Uint8Array(ints.buffer);
  const bytes = new Uint8Array(ints.length * 4);
  const view = new DataView(bytes.buffer);
  ints.forEach((value, i) => view.setInt32(i * 4, value, true));
  return bytes;
}

/** Bytes that are not whole int32 values are left as they are, for validation to refuse. */
function unpackPoints(bytes: Uint8Array): unknown {
  if (bytes.byteLength % 4 !== 0) return bytes;
  const count = bytes.byteLength / 4;
  const points = new Array<number>(count);
  if (littleEndian) {
    // copied, because a decoded Yjs value is a view into the update at any (unaligned) offset
    const ints = new Int32Array(bytes.slice().buffer);
    for (let i = 0; i < count; i++) points[i] = ints[i]! / POINT_SCALE;
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) points[i] = view.getInt32(i * 4, true) / POINT_SCALE;
  }
  return points;
}

/** The stored form of one field's value (for a key written after creation). */
export function storedValue(key: string, value: unknown): unknown {
  return key === POINTS_KEY && Array.isArray(value) ? packPoints(value as number[]) : value;
}

/**
 * Rounds a shape's values the way storage will (points to hundredths), so that what a writer keeps in
 * memory equals what every reader, including itself after the transaction, reads back.
 */
export function asStored<T extends Shape>(shape: T): T {
  if (!('points' in shape) || !packable(shape.points)) return shape;
  return { ...shape, points: shape.points.map(roundPoint) };
}

/** A new shape's Y.Map: everything in `base` (see above), defaults left out. */
export function newShapeMap(shape: Shape): Y.Map<unknown> {
  const fields = shape as Record<string, unknown>;
  const base: unknown[] = [BASE_FORMAT];
  for (const key of POSITIONAL) {
    const value = fields[key];
    if (key === 'type') base.push(SHAPE_TYPES.indexOf(shape.type));
    else base.push(value === undefined || defaultOf(shape.type, key) === value ? null : value);
  }
  const rest: Record<string, unknown> = {};
  let hasRest = false;
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'id' || POSITIONAL_SET.has(key) || defaultOf(shape.type, key) === value) continue;
    rest[key] = storedValue(key, value);
    hasRest = true;
  }
  if (hasRest) base.push(rest);
  return new Y.Map<unknown>([[BASE_KEY, base]]);
}

/** The fields a `base` holds (either format), not yet validated. */
function baseFields(base: unknown): Record<string, unknown> {
  if (isPlainObject(base)) return { ...base };
  const fields: Record<string, unknown> = {};
  if (!Array.isArray(base) || base[0] !== BASE_FORMAT) return fields;
  for (let i = 0; i < POSITIONAL.length; i++) {
    const value: unknown = base[i + 1];
    // Every positional key is set, undefined for a default (validation fills it in), so all records share
    // one layout and the validator's property reads stay fast. An index that names no type stays a number,
    // which validation refuses.
    fields[POSITIONAL[i]!] = value === null ? undefined : i === 0 && typeof value === 'number' ? (SHAPE_TYPES[value] ?? value) : value;
  }
  const rest: unknown = base[REST_INDEX];
  if (isPlainObject(rest)) for (const key of Object.keys(rest)) if (!POSITIONAL_SET.has(key)) fields[key] = rest[key];
  return fields;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The fields of a stored shape, `base` overlaid with later edits, not yet validated. */
export function storedFields(map: Y.Map<unknown>): Record<string, unknown> {
  const fields = baseFields(map.get(BASE_KEY));
  // forEach, not entries(): Y.Map's iterator is several times slower, and this runs for every shape on load
  map.forEach((value, key) => {
    if (key !== BASE_KEY) fields[key] = value;
  });
  if (fields[POINTS_KEY] instanceof Uint8Array) fields[POINTS_KEY] = unpackPoints(fields[POINTS_KEY]);
  return fields;
}
