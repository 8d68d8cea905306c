import { describe, expect, it } from 'vitest';
import { BlobFrameIn, BlobHash, blobLimits, blobPath, bytesMatchMimeType } from '../src/index.js';

const hash = 'ab'.repeat(32);

describe('blob wire messages', () => {
  it('names blobs by a lowercase sha-256 hex only', () => {
    expect(BlobHash.safeParse(hash).success).toBe(true);
    for (const bad of ['AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(32)}00`, '../etc/passwd']) expect(BlobHash.safeParse(bad).success).toBe(false);
    expect(blobPath('b'.repeat(22), hash)).toBe(`/v1/boards/${'b'.repeat(22)}/blobs/${hash}`);
  });

  it('accepts each frame type and refuses malformed or extra fields', () => {
    const ok: unknown[] = [
      { type: 'want', hash },
      { type: 'have', hash, to: 'sid', size: 10, mimeType: 'image/png' },
      { type: 'get', hash, to: 'sid' },
      { type: 'chunk', hash, to: 'sid', mimeType: 'image/png', size: 10, index: 0, count: 1, data: new Uint8Array(10) },
      { type: 'missing', hash, to: 'sid' },
    ];
    for (const frame of ok) expect(BlobFrameIn.safeParse(frame).success).toBe(true);
    const bad: unknown[] = [
      { type: 'want', hash: 'nope' },
      { type: 'want', hash, extra: 1 },
      { type: 'have', hash, to: 'sid', size: 10, mimeType: 'text/html' },
      { type: 'get', hash },
      { type: 'chunk', hash, to: 'sid', mimeType: 'image/png', size: 10, index: 1, count: 1, data: new Uint8Array(10) },
      { type: 'chunk', hash, to: 'sid', mimeType: 'image/png', size: 10, index: 0, count: 1, data: 'not binary' },
      { type: 'chunk', hash, to: 'sid', mimeType: 'image/png', size: 10, index: 0, count: 10 ** 9, data: new Uint8Array(1) },
      { type: 'shout', hash },
      null,
    ];
    for (const frame of bad) expect(BlobFrameIn.safeParse(frame).success).toBe(false);
    expect(blobLimits.chunkBytes).toBeLessThan(256 * 1024);
  });

  it('recognises image bytes by their magic numbers', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    const gif = new TextEncoder().encode('GIF89a....');
    const webp = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ');
    const svg = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    expect(bytesMatchMimeType(png, 'image/png')).toBe(true);
    expect(bytesMatchMimeType(jpeg, 'image/jpeg')).toBe(true);
    expect(bytesMatchMimeType(gif, 'image/gif')).toBe(true);
    expect(bytesMatchMimeType(webp, 'image/webp')).toBe(true);
    expect(bytesMatchMimeType(svg, 'image/svg+xml')).toBe(true);
    expect(bytesMatchMimeType(png, 'image/jpeg')).toBe(false);
    expect(bytesMatchMimeType(jpeg, 'image/png')).toBe(false);
    expect(bytesMatchMimeType(new TextEncoder().encode('<html><script>alert(1)</script>'), 'image/svg+xml')).toBe(false);
    expect(bytesMatchMimeType(new Uint8Array(), 'image/png')).toBe(false);
  });
});
