import {
  AppendAck,
  BINARY_CONTENT_TYPE,
  BoardMeta,
  CreateBoardResponse,
  ErrorBody,
  HistoryList,
  MeshboardError,
  RotateTokensResponse,
  STATE_VECTOR_HEADER,
  apiPaths,
  base64ToBytes,
  type CreateBoardRequest,
} from '@meshboard/protocol';

/** Binary answer of the store plus its state vector after the operation (null if the header is missing). */
export interface StoreBinary {
  update: Uint8Array;
  stateVector: Uint8Array | null;
}
export interface StoreAck extends AppendAck {
  stateVectorBytes: Uint8Array;
}

export interface StoreClientOptions {
  fetch?: typeof fetch;
  /** per-request timeout, ms (default 15 s) */
  timeoutMs?: number;
}

/**
 * Typed HTTP client for the persistence API (`@meshboard/protocol` http.ts). Every failure is a
 * `MeshboardError`: the service's own code for an error answer, `unavailable` when it cannot be reached.
 */
export class StoreClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(
    readonly baseUrl: string,
    options: StoreClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  createBoard(request: CreateBoardRequest = {}): Promise<CreateBoardResponse> {
    return this.json('POST', apiPaths.boards, undefined, request).then((body) => CreateBoardResponse.parse(body));
  }
  getMeta(boardId: string, token: string): Promise<BoardMeta> {
    return this.json('GET', apiPaths.board(boardId), token).then((body) => BoardMeta.parse(body));
  }
  rename(boardId: string, token: string, title: string): Promise<BoardMeta> {
    return this.json('PATCH', apiPaths.board(boardId), token, { title }).then((body) => BoardMeta.parse(body));
  }
  async deleteBoard(boardId: string, token: string): Promise<void> {
    await this.request('DELETE', apiPaths.board(boardId), token);
  }
  rotateTokens(boardId: string, token: string): Promise<RotateTokensResponse> {
    return this.json('POST', apiPaths.rotateTokens(boardId), token).then((body) => RotateTokensResponse.parse(body));
  }
  getState(boardId: string, token: string): Promise<StoreBinary> {
    return this.binary('GET', apiPaths.state(boardId), token);
  }
  /** What the store has that a client with `stateVector` lacks. */
  getDiff(boardId: string, token: string, stateVector: Uint8Array): Promise<StoreBinary> {
    return this.binary('POST', apiPaths.diff(boardId), token, stateVector);
  }
  /** Appends one update; resolves once it is durable. */
  async appendUpdate(boardId: string, token: string, update: Uint8Array): Promise<StoreAck> {
    const response = await this.request('POST', apiPaths.updates(boardId), token, update);
    const ack = AppendAck.parse(await response.json());
    return { ...ack, stateVectorBytes: base64ToBytes(ack.stateVector) };
  }
  listHistory(boardId: string, token: string): Promise<HistoryList> {
    return this.json('GET', apiPaths.history(boardId), token).then((body) => HistoryList.parse(body));
  }
  async getHistoryEntry(boardId: string, token: string, entryId: string): Promise<Uint8Array> {
    return (await this.binary('GET', apiPaths.historyEntry(boardId, entryId), token)).update;
  }
  restore(boardId: string, token: string, entryId: string): Promise<StoreBinary> {
    return this.binary('POST', apiPaths.restore(boardId, entryId), token);
  }

  /**
   * Fire-and-forget upload for `pagehide`: `navigator.sendBeacon` (token in the query, beacons cannot set
   * headers), else a keepalive fetch. Returns whether the browser accepted it for sending.
   */
  beaconUpdate(boardId: string, token: string, update: Uint8Array): boolean {
    const url = `${this.baseUrl}${apiPaths.updates(boardId)}?token=${encodeURIComponent(token)}`;
    const body = new Blob([update as BlobPart], { type: BINARY_CONTENT_TYPE });
    const nav = (globalThis as { navigator?: { sendBeacon?: (url: string, data: Blob) => boolean } }).navigator;
    if (nav?.sendBeacon && update.byteLength < 60_000 && nav.sendBeacon(url, body)) return true;
    try {
      void this.fetch(url, { method: 'POST', body, keepalive: update.byteLength < 60_000, headers: { 'content-type': BINARY_CONTENT_TYPE } }).catch(
        () => undefined,
      );
      return true;
    } catch {
      return false;
    }
  }

  private async json(method: string, path: string, token?: string, body?: unknown): Promise<unknown> {
    const response = await this.request(method, path, token, body === undefined ? undefined : JSON.stringify(body), 'application/json');
    return response.json();
  }

  private async binary(method: string, path: string, token: string, body?: Uint8Array): Promise<StoreBinary> {
    const response = await this.request(method, path, token, body);
    const update = new Uint8Array(await response.arrayBuffer());
    const header = response.headers.get(STATE_VECTOR_HEADER);
    return { update, stateVector: header ? base64ToBytes(header) : null };
  }

  private async request(method: string, path: string, token?: string, body?: Uint8Array | string, contentType = BINARY_CONTENT_TYPE): Promise<Response> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = contentType;
    let response: Response;
    try {
      response = await this.fetch(this.baseUrl + path, {
        method,
        headers,
        ...(body !== undefined ? { body: body as BodyInit } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new MeshboardError('unavailable', `board store unreachable: ${(error as Error).message}`);
    }
    if (response.ok) return response;
    let parsed: ErrorBody | null = null;
    try {
      parsed = ErrorBody.parse(await response.json());
    } catch {
      parsed = null;
    }
    if (parsed) throw new MeshboardError(parsed.error.code, parsed.error.message);
    throw new MeshboardError(response.status >= 500 ? 'unavailable' : 'bad_request', `board store answered ${response.status}`);
  }
}

/** Errors after which retrying with the same token is pointless. */
export function isFatalStoreError(error: unknown): boolean {
  return (
    error instanceof MeshboardError &&
    ['unauthorized', 'forbidden', 'token_revoked', 'board_not_found', 'not_found'].includes(error.code)
  );
}

export function toMeshboardError(error: unknown): MeshboardError {
  return error instanceof MeshboardError ? error : new MeshboardError('internal', String((error as Error)?.message ?? error));
}
