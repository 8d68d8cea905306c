/**
 * y-webrtc speaks its signaling protocol over lib0's WebsocketClient, which constructs the global `WebSocket`
 * with the signaling URL and offers no way to inject a connection. So signaling rides our Socket.IO
 * connection through a WebSocket-shaped adapter: `installSignalingDispatcher()` wraps the global
 * `WebSocket` once; URLs with the `meshboard-sio:` scheme get an adapter bound to a registered channel, every
 * other URL gets the real WebSocket (stock y-webrtc endpoints keep working).
 */

export const SIGNALING_SCHEME = 'meshboard-sio:';

export interface SignalingChannel {
  /** Socket.IO connected and the board joined as an editor */
  ready(): boolean;
  send(message: unknown): void;
  attach(socket: SioWebSocket): void;
  detach(socket: SioWebSocket): void;
}

const channels = new Map<string, SignalingChannel>();

export function registerChannel(url: string, channel: SignalingChannel): () => void {
  channels.set(url, channel);
  return () => {
    if (channels.get(url) === channel) channels.delete(url);
  };
}

type Listener = ((event: unknown) => void) | null;

export class SioWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  binaryType = 'arraybuffer';
  onopen: Listener = null;
  onmessage: Listener = null;
  onclose: Listener = null;
  onerror: Listener = null;
  private readonly channel: SignalingChannel | undefined;

  constructor(readonly url: string) {
    this.channel = channels.get(url);
    if (!this.channel) {
      setTimeout(() => this.drop(), 0);
      return;
    }
    this.channel.attach(this);
    if (this.channel.ready()) setTimeout(() => this.open(), 0);
  }

  /** called by the channel once joined */
  open(): void {
    if (this.readyState !== 0) return;
    this.readyState = 1;
    this.onopen?.({ type: 'open' });
  }

  /**
   * called by the channel with a server message (already an object: lib0 passes objects through). Nothing a
   * peer sends through signaling may throw out of here into the Socket.IO handler: y-webrtc's handler throws on
   * messages it does not expect (e.g. an answer for a connection it already dropped, issue 15), so a throw is
   * logged and the message dropped; y-webrtc's own retry (re-announce) repairs the pair.
   */
  deliver(message: unknown): void {
    if (this.readyState !== 1) return;
    try {
      this.onmessage?.({ data: message });
    } catch (error) {
      console.warn('meshboard: dropped a signaling message y-webrtc could not handle:', (error as Error)?.message ?? error);
    }
  }

  /** called by the channel when the Socket.IO connection is lost */
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.channel?.detach(this);
    this.onclose?.({ type: 'close', code: 1006 });
  }

  send(text: string): void {
    if (this.readyState !== 1 || !this.channel) return;
    this.channel.send(JSON.parse(text));
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.channel?.detach(this);
    setTimeout(() => this.onclose?.({ type: 'close', code: 1000 }), 0);
  }
}

const MARK = Symbol.for('meshboard.signalingDispatcher');

export function installSignalingDispatcher(): void {
  const g = globalThis as unknown as { WebSocket?: unknown };
  const current = g.WebSocket as ({ [MARK]?: boolean } & (new (url: string, protocols?: string | string[]) => unknown)) | undefined;
  if (current && current[MARK]) return;
  const Fallback = current;
  function Dispatch(url: string | URL, protocols?: string | string[]) {
    const text = String(url);
    if (text.startsWith(SIGNALING_SCHEME)) return new SioWebSocket(text);
    const Real = Fallback ?? (Dispatch as unknown as { fallback?: typeof Fallback }).fallback;
    if (!Real) throw new Error('no global WebSocket: in Node, set globalThis.WebSocket from the "ws" package');
    return new Real(text, protocols);
  }
  Object.assign(Dispatch, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3, [MARK]: true });
  if (Fallback) (Dispatch as unknown as { prototype: unknown }).prototype = (Fallback as unknown as { prototype: unknown }).prototype;
  g.WebSocket = Dispatch;
}
