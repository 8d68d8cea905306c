import { assetsOf, readAsset, readInlineAssetBytes, sha256Hex, type Asset, type BlobStorage } from '@meshboard/board';
import { BlobHash, ErrorBody, MeshboardError, blobPath, type Role } from '@meshboard/protocol';
import { backOff } from 'exponential-backoff';
import type * as Y from 'yjs';
import { BlobCache, type CachedBlob } from './BlobCache.js';
import { BlobTransfer, type BlobSocket } from './BlobTransfer.js';

export interface BlobClientOptions {
  boardId: string;
  token: string;
  /** persistence base URL */
  storeUrl: string;
  /** the board's joined Socket.IO connection (peer-to-peer transfer over the relay) */
  socket: BlobSocket;
  /** this tab's role on the board (it may change once the join is acknowledged) */
  role: () => Role;
  doc: Y.Doc;
  cache?: BlobCache;
  fetch?: typeof fetch;
  /** one store request's timeout (default 15 s) */
  storeTimeoutMs?: number;
  /** how long one round of asking the peers waits (default 10 s) */
  peerTimeoutMs?: number;
  /** longest pause between retries of an upload or a fetch nobody could serve (default 5 s) */
  retryMaxDelayMs?: number;
}

/** Origin of the transaction that rewrites an old inline asset as metadata (not an undoable user edit). */
export const BLOB_MIGRATION_ORIGIN = Symbol('meshboard:blob-migration');

/** Store answers after which retrying with the same token and bytes is pointless. */
const FINAL_CODES = new Set(['unauthorized', 'forbidden', 'token_revoked', 'board_not_found', 'bad_request', 'payload_too_large', 'unsupported_media_type']);

/**
 * Image bytes for one board connection, behind the board model's `BlobStorage` interface:
 *  - reads: memory, then the browser cache (offline), then the store (`GET` with the board's token, view links
 *    included), then the peers on the board (`BlobTransfer` over the relay), retried with backoff while the
 *    blob is wanted, so an image pasted while the store is down appears as soon as any peer has it;
 *  - writes (editors): bytes added in this tab, or received from a peer, are cached and made durable with
 *    `HEAD`, then `PUT` if the store lacks them, retried with backoff until the store is back;
 *  - old boards: `assets` entries that still carry their bytes inline are uploaded and rewritten as metadata by
 *    the first editor that opens the board (see the sync README for why the client and not the store does it).
 */
export class BlobClient implements BlobStorage {
  readonly cache: BlobCache;
  readonly transfer: BlobTransfer;
  private readonly fetchImpl: typeof fetch;
  private readonly storeUrl: string;
  private readonly fetching = new Map<string, Promise<CachedBlob | null>>();
  private readonly uploads = new Map<string, Promise<boolean>>();
  private readonly listeners = new Set<(hash: string) => void>();
  private readonly refusalListeners = new Set<(hash: string, error: MeshboardError) => void>();
  private readonly migrating = new Set<string>();
  private destroyed = false;
  readonly stats = { fromCache: 0, fromStore: 0, fromPeers: 0, uploaded: 0, uploadFailures: 0, migrated: 0 };

  constructor(private readonly options: BlobClientOptions) {
    this.cache = options.cache ?? new BlobCache();
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.storeUrl = options.storeUrl.replace(/\/+$/, '');
    this.transfer = new BlobTransfer(options.socket, {
      canServe: () => options.role() === 'edit',
      lookup: (hash) => this.cache.get(hash),
    });
    assetsOf(options.doc).observe(this.onAssetsChanged);
    queueMicrotask(() => this.migrateInlineAssets([...assetsOf(options.doc).keys()]));
  }

  // ---------------------------------------------------------------- BlobStorage

  bytes(hash: string): Uint8Array | null {
    const held = this.cache.peek(hash);
    if (held) return held.bytes;
    if (BlobHash.safeParse(hash).success) void this.get(hash);
    return null;
  }

  add(hash: string, bytes: Uint8Array, mimeType: string): void {
    void this.cache.put(hash, bytes, mimeType);
    this.notify(hash);
    if (this.options.role() === 'edit') void this.ensureStored(hash);
  }

  onBytes(listener: (hash: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called when the store finally refuses to keep a blob (over a limit, link revoked, ...): the image still shows
   * for whoever holds it, but is not durable; the app should say so.
   */
  onUploadRefused(listener: (hash: string, error: MeshboardError) => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  // ---------------------------------------------------------------- reads

  /** The blob's bytes from wherever they are; null once every retry failed (or the client was destroyed). */
  get(hash: string): Promise<CachedBlob | null> {
    const running = this.fetching.get(hash);
    if (running) return running;
    const run = this.fetchAnywhere(hash).finally(() => this.fetching.delete(hash));
    this.fetching.set(hash, run);
    return run;
  }

  private async fetchAnywhere(hash: string): Promise<CachedBlob | null> {
    const cached = await this.cache.get(hash);
    if (cached) {
      this.stats.fromCache += 1;
      this.notify(hash);
      return cached;
    }
    try {
      return await backOff(
        async () => {
          if (this.destroyed) return null;
          const fromStore = await this.fromStore(hash).catch(() => null);
          if (fromStore) {
            this.stats.fromStore += 1;
            return this.keep(hash, fromStore);
          }
          const fromPeers = await this.transfer.request(hash, this.options.peerTimeoutMs ?? 10_000);
          if (fromPeers) {
            this.stats.fromPeers += 1;
            const kept = await this.keep(hash, fromPeers);
            // a blob that came from a peer may be missing from the store (pasted while it was down)
            if (this.options.role() === 'edit') void this.ensureStored(hash);
            return kept;
          }
          throw new Error('nobody has this blob yet');
        },
        { numOfAttempts: 30, startingDelay: 250, maxDelay: this.options.retryMaxDelayMs ?? 5000, jitter: 'full', retry: () => !this.destroyed },
      );
    } catch {
      return null;
    }
  }

  private async keep(hash: string, blob: CachedBlob): Promise<CachedBlob | null> {
    if ((await sha256Hex(blob.bytes)) !== hash) return null;
    await this.cache.put(hash, blob.bytes, blob.mimeType);
    this.notify(hash);
    return blob;
  }

  private async fromStore(hash: string): Promise<CachedBlob | null> {
    const response = await this.request('GET', hash);
    if (response.status === 404) return null;
    await throwUnlessOk(response);
    return { bytes: new Uint8Array(await response.arrayBuffer()), mimeType: response.headers.get('content-type') ?? 'application/octet-stream' };
  }

  // ---------------------------------------------------------------- writes

  /**
   * Makes sure the store holds the blob (editors): `HEAD`, then `PUT` from this tab's cache if it is missing.
   * Retried with backoff while the store is unreachable; resolves false on a final refusal (e.g. limits).
   */
  ensureStored(hash: string): Promise<boolean> {
    const running = this.uploads.get(hash);
    if (running) return running;
    const run = this.upload(hash).finally(() => this.uploads.delete(hash));
    this.uploads.set(hash, run);
    return run;
  }

  /** Uploads in flight or waiting for the store. */
  get pendingUploads(): number {
    return this.uploads.size;
  }

  /** Resolves when every upload started so far has finished (stored or finally refused). */
  async whenUploaded(): Promise<void> {
    while (this.uploads.size > 0) await Promise.allSettled([...this.uploads.values()]);
  }

  private async upload(hash: string): Promise<boolean> {
    try {
      await backOff(
        async () => {
          if (this.destroyed) return;
          const head = await this.request('HEAD', hash);
          if (head.ok) return;
          if (head.status !== 404) await throwUnlessOk(head);
          const blob = await this.cache.get(hash);
          if (!blob) throw new MeshboardError('not_found', 'this tab no longer holds the blob');
          const put = await this.request('PUT', hash, blob);
          await throwUnlessOk(put);
          this.stats.uploaded += 1;
        },
        {
          numOfAttempts: 1_000,
          startingDelay: 250,
          maxDelay: this.options.retryMaxDelayMs ?? 5000,
          jitter: 'full',
          retry: (error: unknown) => !this.destroyed && !(error instanceof MeshboardError && FINAL_CODES.has(error.code)),
        },
      );
      return !this.destroyed;
    } catch (error) {
      this.stats.uploadFailures += 1;
      if (!this.destroyed && error instanceof MeshboardError) for (const listener of this.refusalListeners) listener(hash, error);
      return false;
    }
  }

  private async request(method: 'GET' | 'HEAD' | 'PUT', hash: string, blob?: CachedBlob): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    if (blob) headers['content-type'] = blob.mimeType;
    try {
      return await this.fetchImpl(this.storeUrl + blobPath(this.options.boardId, hash), {
        method,
        headers,
        ...(blob ? { body: blob.bytes as Uint8Array<ArrayBuffer> } : {}),
        signal: AbortSignal.timeout(this.options.storeTimeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new MeshboardError('unavailable', `board store unreachable: ${(error as Error).message}`);
    }
  }

  // ---------------------------------------------------------------- old boards

  private readonly onAssetsChanged = (event: Y.YMapEvent<unknown>): void => {
    this.migrateInlineAssets([...event.keysChanged]);
  };

  /**
   * Entries written before blobs existed carry their bytes inline: cache them (they render at once), and, as
   * an editor, upload them and rewrite the entry as metadata, which drops the bytes from the document (the
   * store's garbage-collecting compaction removes them from its snapshot too).
   */
  private migrateInlineAssets(keys: string[]): void {
    if (this.destroyed) return;
    const assets = assetsOf(this.options.doc);
    for (const key of keys) {
      const bytes = readInlineAssetBytes(assets.get(key));
      const meta = readAsset(assets.get(key));
      if (!bytes || !meta || this.migrating.has(key)) continue;
      this.migrating.add(key);
      void this.migrateOne(key, bytes, meta).finally(() => this.migrating.delete(key));
    }
  }

  private async migrateOne(key: string, bytes: Uint8Array, meta: Asset): Promise<void> {
    if ((await sha256Hex(bytes)) !== key) return; // not content-addressed: leave it as it is
    await this.cache.put(key, bytes, meta.mimeType);
    this.notify(key);
    if (this.options.role() !== 'edit' || !(await this.ensureStored(key)) || this.destroyed) return;
    const assets = assetsOf(this.options.doc);
    if (!readInlineAssetBytes(assets.get(key))) return; // someone else migrated it meanwhile
    this.options.doc.transact(() => assets.set(key, { mimeType: meta.mimeType, size: meta.size, width: meta.width, height: meta.height }), BLOB_MIGRATION_ORIGIN);
    this.stats.migrated += 1;
  }

  // ---------------------------------------------------------------- lifecycle

  private notify(hash: string): void {
    for (const listener of this.listeners) listener(hash);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    assetsOf(this.options.doc).unobserve(this.onAssetsChanged);
    this.transfer.destroy();
    this.listeners.clear();
    this.refusalListeners.clear();
  }
}

async function throwUnlessOk(response: Response): Promise<void> {
  if (response.ok) return;
  let parsed: ErrorBody | null = null;
  try {
    parsed = ErrorBody.parse(await response.json());
  } catch {
    parsed = null;
  }
  if (parsed) throw new MeshboardError(parsed.error.code, parsed.error.message);
  // no body (HEAD): the status alone
  const code = STATUS_CODES[response.status] ?? (response.status >= 500 ? 'unavailable' : 'bad_request');
  throw new MeshboardError(code, `board store answered ${response.status}`);
}

const STATUS_CODES: Record<number, 'unauthorized' | 'forbidden' | 'payload_too_large' | 'unsupported_media_type' | 'rate_limited'> = {
  401: 'unauthorized',
  403: 'forbidden',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};
