/** Server-side only: reads process.env. Never import from a client component. */
/**
 * What the browser needs to know about the deployment, read from the server's environment on every request
 * (never inlined at build time), so one built image runs on any host.
 */
export interface RuntimeConfig {
  signalingUrl: string;
  storeUrl: string;
  iceServers: RTCIceServer[];
  /** 'relay' sends all WebRTC through TURN (peers never learn each other's addresses); absent: 'all' */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

export const DEFAULT_SIGNALING_URL = 'http://localhost:4000';
export const DEFAULT_STORE_URL = 'http://localhost:4100';

function url(value: string | undefined, fallback: string): string {
  const trimmed = value?.trim();
  return (trimmed ? trimmed : fallback).replace(/\/+$/, '');
}

function iceServers(value: string | undefined): RTCIceServer[] {
  if (!value?.trim()) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) throw new Error('not an array');
    return parsed.filter((entry): entry is RTCIceServer => typeof entry === 'object' && entry !== null && 'urls' in entry);
  } catch (error) {
    console.error(`MESHBOARD_ICE_SERVERS is not a JSON array of RTCIceServer: ${(error as Error).message}; using []`);
    return [];
  }
}

export function readRuntimeConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  return {
    signalingUrl: url(env.MESHBOARD_PUBLIC_SIGNALING_URL, DEFAULT_SIGNALING_URL),
    storeUrl: url(env.MESHBOARD_PUBLIC_STORE_URL, DEFAULT_STORE_URL),
    iceServers: iceServers(env.MESHBOARD_ICE_SERVERS),
    ...(env.MESHBOARD_ICE_TRANSPORT_POLICY?.trim() === 'relay' ? { iceTransportPolicy: 'relay' as const } : {}),
  };
}
