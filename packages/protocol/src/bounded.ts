import { z } from 'zod';

/**
 * Depth and size bounds for untrusted JSON-like values, measured WITHOUT recursion.
 *
 * Why: anything a service re-emits is walked recursively by the encoders on the way out (socket.io-parser's
 * `hasBinary`, `JSON.stringify`, the Redis adapter's msgpack). A value nested 10,000 levels deep (20 KB of
 * `[[[[...]]]]`) overflows the stack there and, in a listener, takes the whole process down. So every value
 * that is forwarded is first measured here with an explicit stack, and refused past the bounds.
 */
export interface JsonBounds {
  /** deepest nesting of arrays/objects (a scalar is depth 0, `[]` is 1) */
  maxDepth: number;
  /** approximate encoded size in bytes (strings by UTF-16 length, binary exactly) */
  maxBytes: number;
  /** most entries (array items + object keys) in the whole value */
  maxNodes?: number;
}

export type Measure = { ok: true; depth: number; bytes: number; nodes: number } | { ok: false; reason: string };

/** Measures `value` iteratively; stops at the first bound crossed (never walks more than the bounds allow). */
export function measureJson(value: unknown, bounds: JsonBounds): Measure {
  const maxNodes = bounds.maxNodes ?? 10_000;
  const stack: Array<[unknown, number]> = [[value, 0]];
  let bytes = 0;
  let nodes = 0;
  let deepest = 0;
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || item === undefined) {
      bytes += 4;
    } else if (typeof item === 'string') {
      bytes += item.length + 2;
    } else if (typeof item === 'number' || typeof item === 'boolean') {
      bytes += 8;
    } else if (typeof item === 'bigint' || typeof item === 'symbol' || typeof item === 'function') {
      return { ok: false, reason: `a ${typeof item} is not JSON` };
    } else if (item instanceof Uint8Array || item instanceof ArrayBuffer) {
      bytes += item.byteLength;
    } else if (typeof item === 'object') {
      const next = depth + 1;
      if (next > bounds.maxDepth) return { ok: false, reason: `nested deeper than ${bounds.maxDepth} levels` };
      if (next > deepest) deepest = next;
      bytes += 2;
      if (Array.isArray(item)) {
        nodes += item.length;
        if (nodes > maxNodes) return { ok: false, reason: `more than ${maxNodes} entries` };
        for (let i = 0; i < item.length; i++) stack.push([item[i], next]);
      } else {
        const keys = Object.keys(item);
        nodes += keys.length;
        if (nodes > maxNodes) return { ok: false, reason: `more than ${maxNodes} entries` };
        for (const key of keys) {
          bytes += key.length + 3;
          stack.push([(item as Record<string, unknown>)[key], next]);
        }
      }
    }
    if (bytes > bounds.maxBytes) return { ok: false, reason: `larger than ${bounds.maxBytes} bytes` };
  }
  return { ok: true, depth: deepest, bytes, nodes };
}

/**
 * Nesting depth of a JSON text, by scanning its brackets outside strings (no parse, no recursion). Used for
 * JSON that is forwarded as text (awareness states): the receivers parse it.
 * Returns Infinity past `limit` so the caller can stop early.
 */
export function jsonTextDepth(text: string, limit = 64): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return Infinity;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** A zod refinement that refuses a value past the bounds: `schema.superRefine(withinBounds(...))`. */
export function withinBounds(bounds: JsonBounds) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    const m = measureJson(value, bounds);
    if (!m.ok) ctx.addIssue({ code: 'custom', message: m.reason });
  };
}

/** A zod schema for an opaque JSON value within bounds (checked before any other schema looks inside). */
export function boundedJson(bounds: JsonBounds) {
  return z.unknown().superRefine(withinBounds(bounds));
}

/** Bounds for anything a client sends that the signaling service forwards to others. */
export const FORWARD_BOUNDS = { maxDepth: 8, maxBytes: 64 * 1024, maxNodes: 4096 } as const satisfies JsonBounds;
