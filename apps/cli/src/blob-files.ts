import { blobPath } from '@meshboard/protocol';
import type { Board, BlobStorage } from '@meshboard/board';

/**
 * Image bytes for the CLI. A board's document holds only image metadata; the bytes live in the store's blob
 * table (issue 9). `import` collects what the importer adds and uploads it after the board exists; `export`
 * fetches the bytes of the images it draws. Without this an imported image would have no bytes anywhere and an
 * exported one would be a placeholder.
 */
export class MemoryBlobStorage implements BlobStorage {
  readonly held = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  private readonly listeners = new Set<(hash: string) => void>();

  bytes(hash: string): Uint8Array | null {
    return this.held.get(hash)?.bytes ?? null;
  }

  add(hash: string, bytes: Uint8Array, mimeType: string): void {
    this.held.set(hash, { bytes, mimeType });
    for (const listener of this.listeners) listener(hash);
  }

  onBytes(listener: (hash: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

async function failure(response: Response, what: string): Promise<Error> {
  let message = `${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error) message = `${response.status} ${body.error.code}: ${body.error.message}`;
  } catch {
    /* not our error body */
  }
  return new Error(`${what}: ${message}`);
}

/** PUTs every held blob to the board (idempotent on the store's side; it verifies each hash). */
export async function uploadBlobs(storeUrl: string, boardId: string, editToken: string, storage: MemoryBlobStorage): Promise<number> {
  let uploaded = 0;
  for (const [hash, { bytes, mimeType }] of storage.held) {
    const response = await fetch(new URL(blobPath(boardId, hash), storeUrl), {
      method: 'PUT',
      headers: { authorization: `Bearer ${editToken}`, 'content-type': mimeType },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    if (!response.ok) throw await failure(response, `uploading image ${hash.slice(0, 12)}`);
    uploaded++;
  }
  return uploaded;
}

/**
 * Fetches the bytes of every image shape on the board into a storage attached to it. An image the store does
 * not have (its author's upload never arrived) stays a placeholder and is named in the returned list.
 */
export async function fetchBlobs(storeUrl: string, boardId: string, token: string, board: Board): Promise<string[]> {
  const storage = new MemoryBlobStorage();
  const missing: string[] = [];
  const hashes = new Set<string>();
  for (const shape of board.listShapes()) if (shape.type === 'image' && !board.getAssetBytes(shape.assetId)) hashes.add(shape.assetId);
  for (const hash of hashes) {
    const response = await fetch(new URL(blobPath(boardId, hash), storeUrl), { headers: { authorization: `Bearer ${token}` } });
    if (response.status === 404) {
      missing.push(hash);
      continue;
    }
    if (!response.ok) throw await failure(response, `fetching image ${hash.slice(0, 12)}`);
    storage.add(hash, new Uint8Array(await response.arrayBuffer()), board.getAsset(hash)?.mimeType ?? 'application/octet-stream');
  }
  board.attachBlobStorage(storage);
  return missing;
}
