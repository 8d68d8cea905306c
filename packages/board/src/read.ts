import * as Y from 'yjs';
import { Asset, Shape } from './schema.js';
import { storedFields } from './storage.js';

/**
 * Reads one shape's Y.Map into a typed, validated record. Anything a remote peer could have written wrong
 * (not a map, missing fields, wrong types, NaN coordinates) yields `null`: the reader skips it.
 */
export function readShape(id: string, value: unknown): Shape | null {
  if (!(value instanceof Y.Map)) return null;
  const record = storedFields(value);
  record.id = id;
  const parsed = Shape.safeParse(record);
  return parsed.success ? parsed.data : null;
}

export function readAsset(value: unknown): Asset | null {
  const parsed = Asset.safeParse(value);
  return parsed.success ? parsed.data : null;
}
