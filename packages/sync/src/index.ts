export { connectBoard } from './connectBoard.js';
export {
  STORE_ORIGIN,
  RELAY_ORIGIN,
  PRESENCE_ORIGIN,
  type BoardUser,
  type ConnectBoardOptions,
  type PeerMode,
  type PeerStatus,
  type ConnectionStatus,
  type BoardConnection,
  type SignalingState,
  type StoreState,
} from './types.js';
export { StoreClient, isFatalStoreError, type StoreBinary, type StoreAck, type StoreClientOptions } from './store-client.js';
export { installSignalingDispatcher, SIGNALING_SCHEME } from './sio-websocket.js';
export { BlobClient, BLOB_MIGRATION_ORIGIN, type BlobClientOptions } from './BlobClient.js';
export { BlobCache, type BlobCacheOptions, type CachedBlob } from './BlobCache.js';
export { BlobTransfer, type BlobSocket, type BlobTransferOptions } from './BlobTransfer.js';
