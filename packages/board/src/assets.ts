/**
 * Where image bytes live now that the document holds only their metadata: a `BlobStorage` the app attaches
 * to a `Board` (packages/sync's BlobClient: memory, browser cache, store, peers). The board model only needs
 * to name bytes by their sha-256 and be told when they arrive, so it stays free of I/O.
 */
export interface BlobStorage {
  /** the bytes if held in memory now; otherwise null, and fetching starts (cache, store, peers) */
  bytes(hash: string): Uint8Array | null;
  /** new bytes from this tab (pasted, inserted): keep, upload, serve to peers */
  add(hash: string, bytes: Uint8Array, mimeType: string): void;
  /** called with a hash when its bytes become available; returns the unsubscribe function */
  onBytes(listener: (hash: string) => void): () => void;
}

/** Lowercase sha-256 hex of `bytes` (WebCrypto: browsers and Node). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
