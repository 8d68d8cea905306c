/**
 * Raw Socket.IO clients for hostile tests: they write engine.io / Socket.IO packets by hand, so a test can send
 * what no well-behaved client library would encode (10,000-deep JSON, two joins in one long-polling body,
 * malformed packets).
 */
import WebSocket from 'ws';

/** Socket.IO v5 over an engine.io v4 WebSocket, packets written as text. */
export class RawSocket {
  readonly received: string[] = [];
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (text === '2') return void (ws.readyState === ws.OPEN && ws.send('3')); // engine.io ping -> pong
      this.received.push(text);
    });
    ws.on('close', () => (this.closed = true));
    ws.on('error', () => (this.closed = true));
  }

  static async open(baseUrl: string): Promise<RawSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await socket.waitFor((m) => m.startsWith('0{'), 'engine.io open');
    ws.send('40');
    await socket.waitFor((m) => m.startsWith('40'), 'namespace connect');
    return socket;
  }

  /** sends a Socket.IO EVENT packet; the payload text is written as is */
  sendRaw(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }
  emit(event: string, payloadJson: string, ackId?: number): void {
    this.sendRaw(`42${ackId ?? ''}["${event}",${payloadJson}]`);
  }
  async join(request: Record<string, unknown>, ackId = 1): Promise<Record<string, unknown>> {
    this.emit('join', JSON.stringify(request), ackId);
    const reply = await this.waitFor((m) => m.startsWith(`43${ackId}[`), 'join ack');
    return (JSON.parse(reply.slice(`43${ackId}`.length)) as [Record<string, unknown>])[0];
  }
  events(name: string): unknown[] {
    return this.received
      .filter((m) => m.startsWith(`42["${name}"`))
      .map((m) => (JSON.parse(m.slice(2)) as unknown[])[1]);
  }
  async waitFor(predicate: (message: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.find(predicate);
      if (found !== undefined) return found;
      if (this.closed) throw new Error(`closed while waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no ${what} within ${timeoutMs} ms`);
  }
  close(): void {
    this.ws.terminate();
  }
}

/** Socket.IO over engine.io HTTP long-polling: several packets per POST body, separated by \x1e. */
export class PollingSocket {
  private constructor(
    readonly base: string,
    readonly sid: string,
  ) {}

  static async open(baseUrl: string): Promise<PollingSocket> {
    const base = `${baseUrl}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const socket = new PollingSocket(base, sid);
    await socket.post(['40']);
    const reply = await socket.poll();
    if (!reply.some((p) => p.startsWith('40'))) throw new Error(`no namespace connect: ${reply.join(' | ')}`);
    return socket;
  }
  async post(packets: string[]): Promise<number> {
    const response = await fetch(`${this.base}&sid=${this.sid}`, { method: 'POST', body: packets.join('\x1e'), headers: { 'content-type': 'text/plain' } });
    await response.text();
    return response.status;
  }
  /** one long-poll GET: the packets the server had queued (answers engine.io pings on the way) */
  async poll(): Promise<string[]> {
    const response = await fetch(`${this.base}&sid=${this.sid}`, { signal: AbortSignal.timeout(40_000) });
    const packets = (await response.text()).split('\x1e');
    if (packets.includes('2')) await this.post(['3']);
    return packets.filter((p) => p !== '2');
  }
}

/** `"[" x n + "]" x n`: the repro, 20 KB of text for n = 10,000 */
export const deepJson = (n = 10_000) => '['.repeat(n) + ']'.repeat(n);
