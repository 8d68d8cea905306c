import * as Y from 'yjs';
import { Board, type Point } from '@meshboard/board';
import { applyImport, importFile, InteropError, type ImportedBoard } from '@meshboard/interop';
import { StoreClient } from '@meshboard/sync';

/** What an import did, for the notice shown on the board. */
export interface ImportOutcome {
  message: string;
  ids: string[];
}

/** A person-readable summary: how many shapes came in, from what, and what could not be kept exactly. */
export function describeImport(imported: ImportedBoard, count: number, name: string): string {
  const from = { meshboard: 'a Meshboard board', excalidraw: 'an Excalidraw scene', excalidrawlib: 'an Excalidraw library', 'excalidraw-clipboard': 'Excalidraw', tldraw: 'a tldraw file' }[imported.format];
  const head = `Imported ${count} shape${count === 1 ? '' : 's'} from ${from} (${name}).`;
  return imported.notices.length ? `${head} Not kept exactly: ${imported.notices.join('; ')}.` : head;
}

/** Reads files and adds them to the board around `at`, one after another; a bad file changes nothing. */
export async function importFilesIntoBoard(board: Board, files: readonly File[], at: Point): Promise<ImportOutcome> {
  const ids: string[] = [];
  const messages: string[] = [];
  for (const file of files) {
    try {
      const imported = await importFile(new Uint8Array(await file.arrayBuffer()), file.name);
      const added = await applyImport(board, imported, { at });
      ids.push(...added);
      messages.push(describeImport(imported, added.length, file.name));
    } catch (error) {
      messages.push(`${file.name} was not imported: ${error instanceof InteropError ? error.message : (error as Error).message}.`);
    }
  }
  return { ids, message: messages.join(' ') };
}

/**
 * Home page: a file becomes a new board. The file is read first (a bad one creates nothing), then a board is
 * created and the shapes are uploaded as its first update, before the board page opens it.
 */
export async function createBoardFromFile(storeUrl: string, file: File): Promise<{ id: string; ownerToken?: string; editToken: string; viewToken: string; title: string; message: string }> {
  const imported = await importFile(new Uint8Array(await file.arrayBuffer()), file.name);
  const store = new StoreClient(storeUrl);
  const title = (imported.title || file.name.replace(/\.[^.]+$/, '')).slice(0, 200);
  const created = await store.createBoard({ title });
  const doc = new Y.Doc();
  const board = new Board(doc, { userId: 'import' });
  board.setTitle(title);
  const ids = await applyImport(board, imported);
  await store.appendUpdate(created.id, created.editToken, Y.encodeStateAsUpdate(doc));
  board.destroy();
  doc.destroy();
  return { id: created.id, ownerToken: created.ownerToken, editToken: created.editToken, viewToken: created.viewToken, title, message: describeImport(imported, ids.length, file.name) };
}
