import { BOARD_FILE_TYPE, BOARD_FILE_VERSION, BoardFile, type Shape } from '@meshboard/board';
import { base64ToBytes, bytesToBase64, sha256Hex } from './base64.js';
import { InteropError } from './errors.js';
import { checkImage } from './images.js';
import type { ImportedBoard } from './imported.js';
import { isRecord } from './safe-json.js';
import type { BoardSnapshot } from './snapshot.js';

export interface BoardFileOptions {
  /** include image bytes (default true); without them images come back as placeholders */
  images?: boolean;
  source?: string;
}

/** The snapshot as a Meshboard board file (the schema is `BoardFile` in @meshboard/board). */
export function toBoardFile(snapshot: BoardSnapshot, options: BoardFileOptions = {}): BoardFile {
  const assets: BoardFile['assets'] = {};
  for (const [assetId, asset] of snapshot.assets) {
    assets[assetId] = {
      mimeType: asset.mimeType as BoardFile['assets'][string]['mimeType'],
      width: asset.width,
      height: asset.height,
      ...(options.images !== false && asset.data ? { data: bytesToBase64(asset.data) } : {}),
    };
  }
  return {
    type: BOARD_FILE_TYPE,
    version: BOARD_FILE_VERSION,
    title: snapshot.title,
    ...(options.source ? { source: options.source } : {}),
    shapes: snapshot.shapes as Shape[],
    assets,
  };
}

export function serializeBoardFile(snapshot: BoardSnapshot, options: BoardFileOptions = {}): string {
  return JSON.stringify(toBoardFile(snapshot, options));
}

/** True when a parsed JSON value says it is a Meshboard board file (of any version). */
export function isBoardFile(value: unknown): boolean {
  return isRecord(value) && value.type === BOARD_FILE_TYPE;
}

/**
 * Reads a parsed Meshboard board file. The whole file is refused when it does not match the schema (a clear
 * message naming the first problem); a file from a newer Meshboard is refused by its version, not guessed at.
 */
export async function readBoardFile(value: unknown): Promise<ImportedBoard> {
  if (!isRecord(value) || value.type !== BOARD_FILE_TYPE) throw new InteropError('unsupported_format', 'this is not a Meshboard board file');
  if (typeof value.version !== 'number' || value.version > BOARD_FILE_VERSION) {
    throw new InteropError('unsupported_version', `this board file is version ${String(value.version)}, made by a newer Meshboard; this one reads version ${BOARD_FILE_VERSION}`);
  }
  const parsed = BoardFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InteropError('malformed', `the board file is damaged: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
  }
  const file = parsed.data;
  const notices: string[] = [];
  const ids = new Set<string>();
  for (const shape of file.shapes) {
    if (ids.has(shape.id)) throw new InteropError('malformed', `the board file is damaged: shape id ${shape.id} appears twice`);
    ids.add(shape.id);
  }
  const assets: ImportedBoard['assets'] = new Map();
  let missingBytes = 0;
  for (const [assetId, asset] of Object.entries(file.assets)) {
    if (!asset.data) {
      missingBytes++;
      continue;
    }
    try {
      const image = checkImage(base64ToBytes(asset.data), asset.mimeType);
      if ((await sha256Hex(image.data)) !== assetId) throw new InteropError('bad_image', 'its bytes do not match its id');
      assets.set(assetId, image);
    } catch (error) {
      if (!(error instanceof InteropError)) throw error;
      notices.push(`An image was replaced by a placeholder: ${error.message}`);
    }
  }
  if (missingBytes > 0) notices.push(`${missingBytes} ${missingBytes === 1 ? 'image was' : 'images were'} saved without their pixels and show as placeholders`);
  // Keep the file's order: shapes are stored bottom to top.
  const shapes = [...file.shapes];
  return { format: 'meshboard', title: file.title, shapes, assets, notices };
}
