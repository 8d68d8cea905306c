// Kept for imports of the old path: the connection is composed in connectBoard.ts from one part per concern.
export { connectBoard } from './connectBoard.js';
export { STORE_ORIGIN, RELAY_ORIGIN, PRESENCE_ORIGIN } from './types.js';
export type { BoardUser, ConnectBoardOptions, PeerMode, PeerStatus, ConnectionStatus, BoardConnection } from './types.js';
