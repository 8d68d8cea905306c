import { sha256Hex } from '@meshboard/board';
import { LRUCache } from 'lru-cache';

/** A blob's bytes with the type they were stored under. */
export interface CachedBlob {
  bytes: Uint8Array;
  mimeType: string;
}

export interface BlobCacheOptions {
  /** bytes kept in memory (LRU; default 256 MiB). The persistent cache has no limit of its own. */
  memoryBytes?: number;
  /**
   * Name of the browser Cache Storage bucket (default 'meshboard-blobs-v1'); null disables the persistent
   * layer (Node, tests, or a private window without Cache Storage).
   */
  cacheName?: string | null;
}

/**
 * Blob bytes held by this tab: an in-memory LRU (what the renderer reads synchronously) over the browser's
 * Cache Storage (survives reloads and offline use; content-addressed, so one entry per hash serves every
 * board). Entries are keyed by sha-256, and what comes back from the persistent layer is checked against
 * it, so a corrupted cache entry is dropped instead of drawn.
 */
export class BlobCache {
  private readonly memory: LRUCache<string, CachedBlob>;
  private readonly persistent: Promise<Cache | null>;

  constructor(options: BlobCacheOptions = {}) {
    this.memory = new LRUCache<string, CachedBlob>({
      maxSize: options.memoryBytes ?? 256 * 1024 * 1024,
      sizeCalculation: (entry) => Math.max(1, entry.bytes.byteLength),
    });
    const name = options.cacheName === undefined ? 'meshboard-blobs-v1' : options.cacheName;
    const storage = (globalThis as { caches?: CacheStorage }).caches;
    this.persistent = name && storage ? storage.open(name).catch(() => null) : Promise.resolve(null);
  }

  /** Memory only: for synchronous reads (rendering). */
  peek(hash: string): CachedBlob | undefined {
    return this.memory.get(hash);
  }

  /** Memory, then the persistent cache (verified against the hash). */
  async get(hash: string): Promise<CachedBlob | null> {
    const held = this.memory.get(hash);
    if (held) return held;
    const cache = await this.persistent;
    if (!cache) return null;
    try {
      const response = await cache.match(keyOf(hash));
      if (!response) return null;
      const bytes = new Uint8Array(await response.arrayBuffer());
      if ((await sha256Hex(bytes)) !== hash) {
        await cache.delete(keyOf(hash));
        return null;
      }
      const entry = { bytes, mimeType: response.headers.get('content-type') ?? 'application/octet-stream' };
      this.memory.set(hash, entry);
      return entry;
    } catch {
      return null;
    }
  }

  /** Keeps bytes whose hash the caller has checked (or computed). */
  async put(hash: string, bytes: Uint8Array, mimeType: string): Promise<void> {
    this.memory.set(hash, { bytes, mimeType });
    const cache = await this.persistent;
    if (!cache) return;
    try {
      if (await cache.match(keyOf(hash))) return;
      await cache.put(keyOf(hash), new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': mimeType } }));
    } catch {
      // quota or a closed storage: memory still serves this session
    }
  }
}

function keyOf(hash: string): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return `${origin && origin !== 'null' ? origin : 'http://localhost'}/meshboard-blob/${hash}`;
}
