/**
 * Limits shared by every process and the client. A limit that is hit is always answered with an error
 * (`payload_too_large`, `rate_limited`), never by silently dropping an edit.
 * Services may lower or raise them through configuration; these are the defaults.
 */
export const limits = {
  /** Largest single Socket.IO frame the signaling service accepts (Socket.IO `maxHttpBufferSize`). */
  maxFrameBytes: 1024 * 1024,
  /**
   * Relay updates larger than this are split into chunks by the sender and reassembled by receivers,
   * so a whole-board update never hits `maxFrameBytes`.
   */
  relayChunkBytes: 256 * 1024,
  /** Largest Yjs update (after reassembly) the relay carries: bigger boards go through the store. */
  maxRelayUpdateBytes: 64 * 1024 * 1024,
  /** Presence / cursor messages per second per user; extra frames are dropped (they are volatile). */
  maxCursorHz: 30,
  /** Largest body the persistence service accepts on `POST /v1/boards/:id/updates`. */
  maxUpdateBodyBytes: 64 * 1024 * 1024,
  /** Largest JSON body (metadata requests). */
  maxJsonBodyBytes: 64 * 1024,
  /** Longest board title. */
  maxTitleLength: 200,
  /** Longest display name in presence. */
  maxDisplayNameLength: 64,
} as const;
