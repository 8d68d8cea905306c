import * as Y from 'yjs';
import { Asset, LegacyAsset, Shape } from './schema.js';
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

/** An `assets` entry as metadata; an old entry with inline bytes reads as its metadata too (size = its bytes). */
export function readAsset(value: unknown): Asset | null {
  const parsed = Asset.safeParse(value);
  if (parsed.success) return parsed.data;
  const legacy = LegacyAsset.safeParse(value);
  if (!legacy.success) return null;
  const { mimeType, data, width, height } = legacy.data;
  return { mimeType, size: data.byteLength, width, height };
}

/** The bytes an old-layout `assets` entry carries inline, or null (new entries never do). */
export function readInlineAssetBytes(value: unknown): Uint8Array | null {
  const legacy = LegacyAsset.safeParse(value);
  return legacy.success ? legacy.data.data : null;
}
