import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/**
 * Z-order keys are fractional indexes: a new key sorts between two neighbours without renumbering anyone.
 * Two peers inserting at the same spot at the same time would compute the same key, so every key gets a
 * short random suffix ("jitter") that keeps it inside its gap. Sorting still breaks exact ties by shape id,
 * so even a collision orders the same way on every peer.
 */
const BASE_62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const JITTER_CHARS = 4;

function randomSuffix(): string {
  const bytes = new Uint8Array(JITTER_CHARS);
  globalThis.crypto.getRandomValues(bytes);
  let suffix = '';
  for (let i = 0; i < JITTER_CHARS; i++) {
    // A fractional part must not end in '0' (the digit-zero key is not valid), so the last char skips it.
    const alphabet = i === JITTER_CHARS - 1 ? BASE_62.slice(1) : BASE_62;
    suffix += alphabet[bytes[i]! % alphabet.length];
  }
  return suffix;
}

function jitter(key: string, upper: string | null): string {
  const candidate = key + randomSuffix();
  return upper === null || candidate < upper ? candidate : key;
}

export function compareZ(a: { z: string; id: string }, b: { z: string; id: string }): number {
  if (a.z !== b.z) return a.z < b.z ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** One key strictly between `lower` and `upper` (null = open end). Equal neighbours (a collision) widen up. */
export function zBetween(lower: string | null, upper: string | null): string {
  if (lower !== null && upper !== null && lower >= upper) upper = null;
  return jitter(generateKeyBetween(lower, upper), upper);
}

/** `n` ascending keys between `lower` and `upper`. */
export function zBetweenN(lower: string | null, upper: string | null, n: number): string[] {
  if (lower !== null && upper !== null && lower >= upper) upper = null;
  const keys = generateNKeysBetween(lower, upper, n);
  return keys.map((key, i) => jitter(key, keys[i + 1] ?? upper));
}
