import type { WebrtcProvider } from 'y-webrtc';
import { PeersRevoked } from '@meshboard/protocol';

/**
 * Revocation reaches peer-to-peer links (issue 11, defect 5). When the signaling service cuts a connection
 * whose link was revoked, that peer's WebRTC data channels to us stay open: they never pass through the
 * service. The service therefore tells everyone on the board which y-webrtc peer ids lost their access
 * (`peers:revoked`); here we drop our links to them at once and refuse any new one for the rest of this
 * connection, so their later edits reach neither this tab nor, through it, the store.
 *
 * Hooked into connect.ts with one line: `socket.on(SocketEvent.peersRevoked, (m) => refuseRevokedPeers(provider, m))`.
 */
const refused = new WeakMap<WebrtcProvider, Set<string>>();

export function refuseRevokedPeers(provider: WebrtcProvider | null, message: unknown): void {
  const parsed = PeersRevoked.safeParse(message);
  if (!parsed.success || !provider) return;
  let ids = refused.get(provider);
  if (!ids) {
    const set = new Set<string>();
    refused.set(provider, set);
    ids = set;
    // y-webrtc creates connections on announces and offers from signaling: refuse them as they appear
    provider.on('peers', () => dropRefused(provider, set));
  }
  for (const id of parsed.data.peerIds) ids.add(id);
  dropRefused(provider, ids);
}

/** peer ids this provider refuses (diagnostics and tests) */
export function refusedPeers(provider: WebrtcProvider | null): string[] {
  return provider ? [...(refused.get(provider) ?? [])] : [];
}

function dropRefused(provider: WebrtcProvider, ids: Set<string>): void {
  const conns = provider.room?.webrtcConns;
  if (!conns) return;
  for (const id of ids) {
    const conn = conns.get(id);
    if (!conn || conn.closed) continue;
    try {
      conn.destroy(); // closes the data channel; y-webrtc then re-announces, which a revoked peer cannot answer
    } catch {
      /* already closed */
    }
  }
}
