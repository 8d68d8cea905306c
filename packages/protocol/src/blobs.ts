import { z } from 'zod';

/**
 * Content-addressed blobs (images, files): the bytes live outside the board's Y.Doc, once per board, named by
 * their sha-256. Defined once here for the store's HTTP API and for the peer-to-peer transfer over the relay.
 *
 * HTTP (persistence), token as on every board route (Authorization: Bearer, or ?token=):
 *   PUT  /v1/boards/:id/blobs/:sha256   raw body, content-type = the blob's mime type   -> 201 / 200 BlobInfo (edit)
 *   GET  /v1/boards/:id/blobs/:sha256   -> the bytes, immutable cache headers                               (view)
 *   HEAD /v1/boards/:id/blobs/:sha256   -> headers only (content-length, content-type)                       (view)
 * The store hashes the body and refuses it unless it matches `:sha256` (`400 hash_mismatch` as
 * `bad_request`), refuses a body whose bytes are not the declared image type (`415`), and refuses files or
 * boards over their limits (`413 payload_too_large`, the message says which limit).
 *
 * Socket.IO (signaling relay), event `blob`: a tab that lacks a blob asks the board (`want`); tabs that hold
 * it answer `have`; the asker picks one and sends `get`; that holder streams `chunk`s addressed to the asker,
 * who checks the sha-256 of the whole before using it. So a blob pasted while the store is down still reaches
 * everyone, and is uploaded by its author (or anyone holding it) when the store is back.
 */

export const BlobHash = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase sha-256 hex');
export type BlobHash = z.infer<typeof BlobHash>;

/** Types a blob may have. Images only for now; the store checks the bytes match (magic numbers). */
export const BLOB_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const;
export const BlobMimeType = z.enum(BLOB_MIME_TYPES);
export type BlobMimeType = z.infer<typeof BlobMimeType>;

export const blobLimits = {
  /** default largest blob the store accepts (MESHBOARD_BLOB_MAX_BYTES) */
  maxBlobBytes: 10 * 1024 * 1024,
  /** default most blobs one board may hold (MESHBOARD_BLOB_MAX_PER_BOARD) */
  maxBlobsPerBoard: 2_000,
  /** default most bytes of blobs one board may hold (MESHBOARD_BLOB_MAX_BOARD_BYTES) */
  maxBoardBlobBytes: 1024 * 1024 * 1024,
  /** relay chunk size: well under the signaling frame limit (1 MiB) and its byte rate budget per second */
  chunkBytes: 192 * 1024,
} as const;

export const blobPath = (boardId: string, hash: string) => `/v1/boards/${encodeURIComponent(boardId)}/blobs/${encodeURIComponent(hash)}`;

/** Answer of `PUT` (201 when stored now, 200 when the board already had it). */
export const BlobInfo = z.object({ sha256: BlobHash, size: z.number().int().nonnegative(), mimeType: BlobMimeType, created: z.boolean() });
export type BlobInfo = z.infer<typeof BlobInfo>;

/** The Socket.IO event carrying blob transfer frames. */
export const BLOB_EVENT = 'blob' as const;

const Binary = z.custom<Uint8Array>(
  (value) => value instanceof Uint8Array || value instanceof ArrayBuffer,
  'binary data (Uint8Array / ArrayBuffer / Buffer) expected',
);
const Sid = z.string().min(1).max(64);
const maxChunks = Math.ceil(blobLimits.maxBlobBytes / blobLimits.chunkBytes) * 16;

/** Client -> server `blob`. Addressed frames carry `to` (a sid); `want` goes to the whole board. */
export const BlobFrameIn = z.discriminatedUnion('type', [
  z.object({ type: z.literal('want'), hash: BlobHash }).strict(),
  z.object({ type: z.literal('have'), hash: BlobHash, to: Sid, size: z.number().int().positive(), mimeType: BlobMimeType }).strict(),
  z.object({ type: z.literal('get'), hash: BlobHash, to: Sid }).strict(),
  z
    .object({
      type: z.literal('chunk'),
      hash: BlobHash,
      to: Sid,
      mimeType: BlobMimeType,
      size: z.number().int().positive(),
      index: z.number().int().nonnegative(),
      count: z.number().int().positive().max(maxChunks),
      data: Binary,
    })
    .strict()
    .refine((c) => c.index < c.count, 'chunk index out of range'),
  /** the holder no longer has it (or refuses): the asker tries another */
  z.object({ type: z.literal('missing'), hash: BlobHash, to: Sid }).strict(),
]);
export type BlobFrameIn = z.infer<typeof BlobFrameIn>;

/** Server -> client `blob`: the same frame (without `to`) plus the sender's sid. */
export type BlobFrameOut = DistributiveOmit<BlobFrameIn, 'to'> & { from: string };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Checks that `bytes` start like the declared image type (magic numbers), so a store never serves a blob as
 * a type it is not. SVG is text: it must look like XML/SVG.
 */
export function bytesMatchMimeType(bytes: Uint8Array, mimeType: BlobMimeType): boolean {
  const starts = (...sig: number[]) => sig.every((byte, index) => bytes[index] === byte);
  switch (mimeType) {
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'image/gif':
      return starts(0x47, 0x49, 0x46, 0x38);
    case 'image/webp':
      return starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50;
    case 'image/svg+xml': {
      const head = new TextDecoder().decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart();
      return head.startsWith('<') && /<svg[\s>]/i.test(new TextDecoder().decode(bytes.subarray(0, 64 * 1024)));
    }
  }
}
