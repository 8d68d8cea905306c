import { z } from 'zod';

/**
 * Every error a Meshboard service sends, over HTTP or Socket.IO, carries one of these codes.
 * Clients branch on the code, humans read the message.
 */
export const ErrorCode = z.enum([
  'bad_request', // malformed JSON / frame, wrong types, failed schema validation
  'invalid_update', // bytes that are not a decodable Yjs update / state vector
  'unsupported_media_type',
  'payload_too_large', // HTTP body or Socket.IO frame over the configured limit
  'rate_limited', // per-connection message or byte budget exceeded
  'unauthorized', // no token, or a token that does not verify
  'forbidden', // a valid token that does not allow this (view-only edit, other board)
  'token_revoked', // the board's token generation moved on (links rotated)
  'board_not_found',
  'not_found',
  'conflict', // the request collides with live state (e.g. a Yjs clientId held by another connection); retry
  'origin_not_allowed',
  'unavailable', // a dependency (database, store) is down; retry later
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Body of every non-2xx HTTP response, and payload of the Socket.IO `error` event. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** HTTP status that goes with each code, so every service answers the same way. */
export const httpStatusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_update: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
  token_revoked: 401,
  board_not_found: 404,
  not_found: 404,
  conflict: 409,
  origin_not_allowed: 403,
  unavailable: 503,
  internal: 500,
};

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** An error that knows its wire code; services map it to a response, clients rebuild it from one. */
export class MeshboardError extends Error {
  override readonly name = 'MeshboardError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return httpStatusOf[this.code];
  }
  toBody(): ErrorBody {
    return errorBody(this.code, this.message);
  }
}
