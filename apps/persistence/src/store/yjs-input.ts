import { MeshboardError } from '@meshboard/protocol';
import * as Y from 'yjs';

/** Checks on Yjs bytes from clients, and the one look into Yjs internals the write path needs. */

/** Throws `invalid_update` unless `bytes` decodes as a Yjs v1 update. */
export function assertDecodableUpdate(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new MeshboardError('invalid_update', 'the body is empty, not a Yjs update');
  try {
    Y.decodeUpdate(bytes);
  } catch {
    throw new MeshboardError('invalid_update', 'the body is not a decodable Yjs update');
  }
}

export function decodeStateVectorOrThrow(bytes: Uint8Array): Uint8Array {
  try {
    const sv = Y.decodeStateVector(bytes);
    for (const [client, clock] of sv) {
      if (!Number.isSafeInteger(client) || !Number.isSafeInteger(clock) || clock < 0) throw new Error('bad entry');
    }
  } catch {
    throw new MeshboardError('invalid_update', 'the body is not a decodable Yjs state vector');
  }
  return bytes;
}

/**
 * Identifies what a doc holds pending (structs or deletes waiting for updates it has not seen): it changes when
 * an applied update adds to (or fills) a causal gap.
 */
export function pendingSignature(doc: Y.Doc): string {
  const store = doc.store as unknown as { pendingStructs: { update: Uint8Array } | null; pendingDs: Uint8Array | null };
  return `${store.pendingStructs?.update.length ?? -1}:${store.pendingDs?.length ?? -1}`;
}

