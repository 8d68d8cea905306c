import * as decoding from 'lib0/decoding';
import { FORWARD_BOUNDS, jsonTextDepth } from '@meshboard/protocol';
import type { AwarenessEntry } from './cursor-batches.js';

/**
 * Checks one y-protocols awareness update before it is forwarded (defect 7 of issue 11): the server relayed
 * awareness for ANY Yjs clientID, so any connection (view-only included) could rewrite or delete other
 * people's cursors and names. An update is accepted only when every entry is about the sender's own clientID
 * (the one it joined with, which no other live connection on the board holds), and each state is bounded JSON.
 *
 * Format (y-protocols/awareness encodeAwarenessUpdate): varUint n, then n x (varUint clientID, varUint clock,
 * varString JSON state or "null").
 */
export function checkAwarenessUpdate(bytes: Uint8Array, ownClientId: number): ({ ok: true } & AwarenessEntry) | { ok: false; reason: string } {
  try {
    const decoder = decoding.createDecoder(bytes);
    const n = decoding.readVarUint(decoder);
    if (n < 1 || n > 1) return { ok: false, reason: 'an awareness update carries exactly one state: your own' };
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    if (decoding.hasContent(decoder)) return { ok: false, reason: 'trailing bytes after the awareness update' };
    if (clientId !== ownClientId) return { ok: false, reason: 'awareness updates may only carry your own clientID' };
    if (jsonTextDepth(state, FORWARD_BOUNDS.maxDepth) > FORWARD_BOUNDS.maxDepth) {
      return { ok: false, reason: `awareness state nested deeper than ${FORWARD_BOUNDS.maxDepth} levels` };
    }
    JSON.parse(state); // V8's JSON.parse is iterative; only well-formed JSON goes on to the receivers
    return { ok: true, clientId, clock, state };
  } catch {
    return { ok: false, reason: 'not a y-protocols awareness update' };
  }
}
