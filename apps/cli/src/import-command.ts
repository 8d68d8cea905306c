import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { applyImport, importFile } from '@meshboard/interop';
import { StoreClient } from '@meshboard/sync';
import { resolveServices } from './board-link.js';
import { MemoryBlobStorage, uploadBlobs } from './blob-files.js';

export interface ImportArgs {
  file: string;
  server: string;
  title?: string;
  store?: string;
}

export interface ImportResult {
  boardId: string;
  editLink: string;
  viewLink: string;
  shapes: number;
  notices: string[];
}

/**
 * `meshboard import FILE --server URL`: reads the file (refused whole when it is bad: nothing is created),
 * creates a board on the server, uploads the images to its blob store and the imported shapes as its first update.
 */
export async function runImport(args: ImportArgs): Promise<ImportResult> {
  const bytes = new Uint8Array(await readFile(args.file));
  const imported = await importFile(bytes, path.basename(args.file));
  const origin = new URL(args.server).origin;
  const { storeUrl } = await resolveServices(origin, { storeUrl: args.store, signalingUrl: 'unused' });
  const store = new StoreClient(storeUrl);
  const title = (args.title ?? (imported.title || path.basename(args.file).replace(/\.[^.]+$/, ''))).slice(0, 200);
  const created = await store.createBoard({ title });
  const doc = new Y.Doc();
  const board = new Board(doc, { userId: 'meshboard-cli' });
  const images = new MemoryBlobStorage();
  board.attachBlobStorage(images);
  board.setTitle(title);
  await applyImport(board, imported);
  // the images first, so no one ever sees a shape whose bytes the store does not have
  await uploadBlobs(storeUrl, created.id, created.editToken, images);
  await store.appendUpdate(created.id, created.editToken, Y.encodeStateAsUpdate(doc));
  return {
    boardId: created.id,
    editLink: `${origin}/b/${created.id}#${created.editToken}`,
    viewLink: `${origin}/b/${created.id}#${created.viewToken}`,
    shapes: board.size,
    notices: imported.notices,
  };
}
