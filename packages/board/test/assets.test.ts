import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board, assetsOf, readAsset, sha256Hex, type BlobStorage } from '../src/index.js';

const png = (bytes: number, seed = 1): Uint8Array<ArrayBuffer> => {
  const data = new Uint8Array(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) data[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return data;
};

class MemoryStorage implements BlobStorage {
  readonly held = new Map<string, Uint8Array>();
  readonly added: string[] = [];
  private readonly listeners = new Set<(hash: string) => void>();
  bytes(hash: string): Uint8Array | null {
    return this.held.get(hash) ?? null;
  }
  add(hash: string, bytes: Uint8Array): void {
    this.added.push(hash);
    this.arrive(hash, bytes);
  }
  arrive(hash: string, bytes: Uint8Array): void {
    this.held.set(hash, bytes);
    for (const listener of this.listeners) listener(hash);
  }
  onBytes(listener: (hash: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

describe('assets as blobs', () => {
  it('the document holds metadata only, never the image bytes', async () => {
    const doc = new Y.Doc();
    const board = new Board(doc, { userId: 'u1' });
    const data = png(300_000);
    const id = await board.addAsset({ mimeType: 'image/png', data, width: 640, height: 480 });
    expect(id).toBe(await sha256Hex(data));
    expect(assetsOf(doc).get(id)).toEqual({ mimeType: 'image/png', size: 300_000, width: 640, height: 480 });
    expect(board.getAsset(id)).toEqual({ mimeType: 'image/png', size: 300_000, width: 640, height: 480 });
    // bytes stay reachable in this tab (rendered at once) without being part of the state
    expect(board.getAssetBytes(id)).toBe(data);
  });

  it("the board's state size does not grow with images (only ~100 bytes of metadata each)", async () => {
    const doc = new Y.Doc();
    const board = new Board(doc, { userId: 'u1' });
    board.addShape({ type: 'rectangle', x: 0, y: 0, w: 10, h: 10 });
    const before = Y.encodeStateAsUpdate(doc).byteLength;
    for (let i = 0; i < 5; i++) {
      const id = await board.addAsset({ mimeType: 'image/png', data: png(2 * 1024 * 1024, i + 1), width: 1000, height: 1000 });
      board.addShape({ type: 'image', assetId: id, x: i * 10, y: 0, w: 100, h: 100 });
    }
    const after = Y.encodeStateAsUpdate(doc).byteLength;
    expect(after - before).toBeLessThan(5 * 1024); // 10 MiB of images, under 5 KiB of state
  });

  it('reads old entries that carry their bytes inline, as metadata plus bytes', () => {
    const doc = new Y.Doc();
    const data = png(1000);
    const legacyId = 'a'.repeat(64);
    assetsOf(doc).set(legacyId, { mimeType: 'image/png', data, width: 10, height: 20 });
    const board = new Board(doc, { userId: 'u1' });
    expect(board.getAsset(legacyId)).toEqual({ mimeType: 'image/png', size: 1000, width: 10, height: 20 });
    expect(board.getAssetBytes(legacyId)).toEqual(data);
    expect(readAsset({ mimeType: 'image/png', size: 0, width: 1, height: 1 })).toBeNull();
    expect(readAsset({ mimeType: 'text/html', size: 5, width: 1, height: 1 })).toBeNull();
  });

  it('hands bytes to an attached blob storage and tells when fetched bytes arrive', async () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    const early = png(500, 7);
    const earlyId = await board.addAsset({ mimeType: 'image/png', data: early, width: 1, height: 1 });
    const storage = new MemoryStorage();
    const arrived: string[] = [];
    board.onAssetBytes((hash) => arrived.push(hash));
    board.attachBlobStorage(storage);
    expect(storage.added).toEqual([earlyId]); // bytes added before attaching move to the storage
    expect(board.getAssetBytes(earlyId)).toBe(early);
    const remote = 'b'.repeat(64);
    expect(board.getAssetBytes(remote)).toBeNull(); // still on its way: the renderer shows a placeholder
    storage.arrive(remote, png(10));
    expect(arrived).toContain(remote);
    expect(board.getAssetBytes(remote)).not.toBeNull();
  });
});
