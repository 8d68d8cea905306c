/**
 * The board store's public face; its parts live in `./store/` (one concern per file): `board-store.ts` (the
 * facade), `board-cache.ts`, `write-queue.ts`, `compactor.ts`, `history.ts`, `revert.ts`, `yjs-input.ts`,
 * `model.ts`.
 */
export { BoardStore } from './store/board-store.js';
export { revertUpdate } from './store/revert.js';
export { assertDecodableUpdate, decodeStateVectorOrThrow } from './store/yjs-input.js';
export type { AppendResult, BoardRecord, CompactionResult, HistoryItem, StateResult } from './store/model.js';
