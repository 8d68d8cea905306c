import { MeshboardError, errorBody, type ErrorCode } from '@meshboard/protocol';

/**
 * Every failure the store answers, mapped to the one documented contract: `{"error":{"code","message"}}` with
 * the status of the code. Messages are fixed sentences: never the URL, a query string, a token or a driver's
 * text (fastify's own messages quote the URL, e.g. `FST_ERR_BAD_URL`, and `?token=` is in it).
 */

/** Seconds a client should wait before retrying a `503` (database contention or outage, too many large bodies). */
export const RETRY_AFTER_SECONDS = 1;

/** SQLSTATE of a driver error (Prisma wraps it in `meta.driverAdapterError.cause`), if any. */
export function sqlState(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } }; cause?: { originalCode?: unknown; code?: unknown } };
  const cause = candidate?.meta?.driverAdapterError?.cause ?? candidate?.cause;
  const code = cause?.originalCode ?? cause?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return typeof candidate?.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) && !candidate.code.startsWith('P') ? candidate.code : undefined;
}

/** Database / driver failures that mean "try again later", never a silent success. */
function isDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.name ?? '';
  const code = (error as { code?: unknown }).code;
  return (
    name.startsWith('PrismaClient') ||
    name === 'DriverAdapterError' ||
    (typeof code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|57P|08|53)/.test(code)) ||
    /connection|terminat|ECONNREFUSED|Connection terminated/i.test(error.message) ||
    // node-postgres' pool when no connection frees up within connectionTimeoutMillis (every one busy): the
    // database is saturated, not broken. It was answered 500 `internal` (the load run's 17,598 upload 500s and,
    // through failed joins, clients cut at the handshake timeout); clients retry a 503 after Retry-After.
    /timeout exceeded when trying to connect/i.test(error.message)
  );
}

/** fastify's own errors (FST_*), by code: a fixed message each, since theirs may quote the URL. */
const FRAMEWORK_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_BAD_URL: ['bad_request', 'the URL is not valid (bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: ['not_found', 'no such board or entry (a path segment is too long)'],
  FST_ERR_ASYNC_CONSTRAINT: ['bad_request', 'the request could not be routed'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'the body is larger than this route accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'unsupported content type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'the body length does not match Content-Length'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'a JSON body is required'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'the body is not valid JSON'],
  FST_ERR_CTP_INVALID_TYPE: ['unsupported_media_type', 'unsupported content type'],
  FST_ERR_CTP_EMPTY_TYPE: ['unsupported_media_type', 'unsupported content type'],
  FST_ERR_BAD_STATUS_CODE: ['internal', 'internal error'],
};

export function toMeshboardError(error: unknown): MeshboardError {
  if (error instanceof MeshboardError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && code in FRAMEWORK_ERRORS) {
    const [mapped, message] = FRAMEWORK_ERRORS[code]!;
    return new MeshboardError(mapped, message);
  }
  const state = sqlState(error);
  if (state) {
    // Class 22 (data exception: NUL bytes, bad encodings, out-of-range values) and 23 (integrity) are the
    // client's input, not an outage: a 503 would make the sync client retry forever and monitoring page someone.
    if (state.startsWith('22')) return new MeshboardError('bad_request', 'the request holds characters or values the store cannot keep');
    if (state.startsWith('23')) return new MeshboardError('bad_request', 'the request conflicts with stored data');
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return new MeshboardError('payload_too_large', 'the body is larger than this route accepts');
    if (status === 415) return new MeshboardError('unsupported_media_type', 'unsupported content type');
    if (status === 429) return new MeshboardError('rate_limited', 'too many requests; slow down and retry later');
    if (status === 404) return new MeshboardError('not_found', 'no such route');
    return new MeshboardError('bad_request', 'the request is not valid');
  }
  if (isDatabaseError(error)) return new MeshboardError('unavailable', 'the database is unavailable; retry later');
  return new MeshboardError('internal', 'internal error');
}

/** Headers every error answer carries: `Retry-After` where retrying is the right move. */
export function errorHeaders(error: MeshboardError): Record<string, string> {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error.code === 'unavailable') headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return headers;
}

/**
 * The answer to a connection-level failure Node reports before fastify has a request (`clientError`): malformed
 * HTTP, headers or a body that did not arrive in time. Written raw, in the contract's form, then closed.
 */
export function clientErrorResponse(error: NodeJS.ErrnoException): string {
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT';
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = timedOut ? 408 : tooLarge ? 431 : 400;
  const reason = timedOut ? 'Request Timeout' : tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  const body = JSON.stringify(
    errorBody(
      'bad_request',
      timedOut ? 'the request did not arrive in time' : tooLarge ? 'the request headers are too large' : 'the request is not valid HTTP',
    ),
  );
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
