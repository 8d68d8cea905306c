import { ICE_SERVERS_PATH, IceServersResponse } from '@meshboard/protocol';

/**
 * The board's ICE servers: the deployment's static ones (MESHBOARD_ICE_SERVERS, e.g. STUN) plus TURN
 * credentials minted by the signaling service for this board's token (GET /rtc/ice-servers). Those expire
 * after hours, so they are fetched again before they do and written into the SAME array in place: the sync
 * layer hands this array to every new RTCPeerConnection, so peers that connect later get fresh credentials.
 * If signaling cannot mint (down, older server), the static servers are used alone and P2P still works
 * wherever no TURN is needed; the Socket.IO relay covers the rest.
 */
export interface LiveIceServers {
  servers: RTCIceServer[];
  /** the first minting is over (its credentials are in `servers`, or it failed and the static ones stay) */
  ready: Promise<void>;
  stop(): void;
}

const RETRY_MS = 60_000;

async function mint(signalingUrl: string, token: string): Promise<IceServersResponse | null> {
  try {
    const response = await fetch(`${signalingUrl}${ICE_SERVERS_PATH}`, {
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) return null;
    const parsed = IceServersResponse.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Starts minting and returns at once: the board's state downloads and draws meanwhile (it was one round trip to
 * signaling later, issue 15 item 3); connectBoard holds signaling, and so every WebRTC negotiation, until `ready`.
 */
export function liveIceServers(signalingUrl: string, token: string, staticServers: RTCIceServer[]): LiveIceServers {
  const servers: RTCIceServer[] = [...staticServers];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const refresh = async () => {
    const minted = await mint(signalingUrl, token);
    if (stopped) return;
    if (minted) servers.splice(0, servers.length, ...staticServers, ...(minted.iceServers as RTCIceServer[]));
    // refresh at 80% of the remaining lifetime; retry in a minute when minting failed
    const left = minted?.expiresAt ? Date.parse(minted.expiresAt) - Date.now() : null;
    if (left === null && minted) return; // nothing expires
    timer = setTimeout(() => void refresh(), left !== null ? Math.max(RETRY_MS, left * 0.8) : RETRY_MS);
  };
  return {
    servers,
    ready: refresh(),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
