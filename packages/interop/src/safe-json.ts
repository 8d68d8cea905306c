import { InteropError } from './errors.js';
import { limits } from './limits.js';

/** Keys that can reach an object's prototype when a parsed value is later merged or spread. */
const POISON_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedJson {
  value: unknown;
  /** how many prototype-pollution keys were removed */
  removedKeys: number;
}

/**
 * JSON.parse with the guards an import needs: a size limit, a clear message for truncated or malformed
 * text, and every `__proto__` / `constructor` / `prototype` key removed (a reviver returning undefined
 * deletes the key), so nothing parsed here can later pollute a prototype through a spread or merge.
 */
export function parseJson(text: string, what: string): ParsedJson {
  if (text.length > limits.maxFileBytes) throw new InteropError('too_large', `${what} is larger than ${limits.maxFileBytes / 1024 / 1024} MB`);
  let removedKeys = 0;
  try {
    const value: unknown = JSON.parse(text, (key, value: unknown) => {
      if (POISON_KEYS.has(key)) {
        removedKeys++;
        return undefined;
      }
      return value;
    });
    return { value, removedKeys };
  } catch (error) {
    if (error instanceof RangeError) throw new InteropError('malformed', `${what} is nested too deeply to read`);
    const message = (error as Error).message;
    if (/end of (JSON )?input|Unterminated|Unexpected end/i.test(message)) {
      throw new InteropError('truncated', `${what} is cut short (the file ends in the middle of its data)`);
    }
    throw new InteropError('malformed', `${what} is not valid JSON (${message})`);
  }
}

/** A plain object (not an array, not null), for walking untrusted JSON. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}
