import { z } from 'zod';

/**
 * ICE servers for a board's peers, minted by the signaling service (apps/signaling/src/turn.ts).
 *
 *   GET /rtc/ice-servers   Authorization: Bearer <board token (view or edit)>  -> IceServersResponse
 *
 * TURN credentials follow the TURN REST API scheme coturn implements (`use-auth-secret`): username
 * `<unix expiry seconds>:<board id>`, credential = base64(HMAC-SHA1(shared secret, username)). They are valid
 * for hours, only for whoever holds a valid token of that board, and nothing long-lived reaches the browser.
 * `expiresAt` (ISO time) is when the TURN entries stop working; null when no TURN server is configured.
 */
export const ICE_SERVERS_PATH = '/rtc/ice-servers';

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string()).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const IceServersResponse = z.object({
  iceServers: z.array(IceServer),
  expiresAt: z.string().nullable(),
});
export type IceServersResponse = z.infer<typeof IceServersResponse>;
