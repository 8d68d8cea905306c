import { blobLimits } from '@meshboard/protocol';
import { envInt } from '@meshboard/service-kit';

/** Limits and collection of content-addressed blobs (src/BlobStore.ts). */
export interface BlobOptions {
  /** largest single blob (bytes); a bigger upload gets 413 */
  maxBlobBytes: number;
  /** most blobs one board may hold */
  maxBlobsPerBoard: number;
  /** most bytes of blobs one board may hold */
  maxBoardBytes: number;
  /**
   * how long a blob stays after nothing references it any more (ms); undefined: the history retention, so a
   * restore point that could still bring the image back never outlives its bytes
   */
  retentionMs?: number;
  /** how often the collector sweeps boards that hold blobs (ms; 0 disables the timer) */
  gcIntervalMs: number;
}

export const defaultBlobOptions: BlobOptions = {
  maxBlobBytes: blobLimits.maxBlobBytes,
  maxBlobsPerBoard: blobLimits.maxBlobsPerBoard,
  maxBoardBytes: blobLimits.maxBoardBlobBytes,
  gcIntervalMs: 3_600_000,
};

export function loadBlobOptions(env: Record<string, string | undefined> = process.env): BlobOptions {
  return {
    maxBlobBytes: envInt(env, 'MESHBOARD_BLOB_MAX_BYTES', defaultBlobOptions.maxBlobBytes, { min: 1024, max: 1024 * 1024 * 1024 }),
    maxBlobsPerBoard: envInt(env, 'MESHBOARD_BLOB_MAX_PER_BOARD', defaultBlobOptions.maxBlobsPerBoard, { min: 1 }),
    maxBoardBytes: envInt(env, 'MESHBOARD_BLOB_MAX_BOARD_BYTES', defaultBlobOptions.maxBoardBytes, { min: 1024 }),
    gcIntervalMs: envInt(env, 'MESHBOARD_BLOB_GC_INTERVAL_SECONDS', defaultBlobOptions.gcIntervalMs / 1000, { min: 0 }) * 1000,
  };
}
