import type * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { RELAY_ORIGIN } from './types.js';

/** y-protocols message type of sync messages (the same framing y-webrtc and y-websocket use) */
const MESSAGE_SYNC = 0;

export interface RelaySyncHooks {
  /** sends one whole message to sids (or everyone) through the relay transport */
  send(message: Uint8Array, to: string[] | 'all'): void;
  /** only editors answer a step 1 (view-only clients have nothing to give and may not send it) */
  canAnswer(): boolean;
}

/** The y-protocols sync exchange (step 1 / step 2 / update) with peers served through the relay. */
export class RelaySync {
  constructor(
    private readonly doc: Y.Doc,
    private readonly hooks: RelaySyncHooks,
  ) {}

  sendStep1(to: string[] | 'all'): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.hooks.send(encoding.toUint8Array(encoder), to);
  }

  sendUpdate(update: Uint8Array, to: string[] | 'all'): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.hooks.send(encoding.toUint8Array(encoder), to);
  }

  /** a whole message from the relay; throws on undecodable input (the transport catches and drops it) */
  receive(from: string, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    const sub = syncProtocol.readSyncMessage(decoder, encoder, this.doc, RELAY_ORIGIN);
    if (sub === syncProtocol.messageYjsSyncStep1 && this.hooks.canAnswer() && encoding.length(encoder) > 1) {
      this.hooks.send(encoding.toUint8Array(encoder), [from]);
    }
  }
}
