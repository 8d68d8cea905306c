import { InteropError } from './errors.js';

/** base64 of bytes, through the platform's btoa (browsers and Node 16+ both have it). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(base64.replace(/\s+/g, ''));
  } catch {
    throw new InteropError('malformed', 'embedded data is not valid base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** `data:<mime>;base64,<data>` split into its parts, or null when it is not a base64 data URL. */
export function parseDataUrl(url: string): { mimeType: string; bytes: Uint8Array } | null {
  const match = /^data:([\w.+/-]+)(?:;[\w=.-]+)*;base64,/i.exec(url.slice(0, 200));
  if (!match) return null;
  return { mimeType: match[1]!.toLowerCase(), bytes: base64ToBytes(url.slice(match[0].length)) };
}

export function toDataUrl(mimeType: string, bytes: Uint8Array): string {
  return `data:${mimeType};base64,${bytesToBase64(bytes)}`;
}

export function sha256Hex(bytes: Uint8Array): Promise<string> {
  return globalThis.crypto.subtle.digest('SHA-256', bytes as BufferSource).then((digest) =>
    [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join(''),
  );
}
