import { sceneFromPng, sceneFromSvg, type EmbeddedScene } from './embedded-scene.js';
import { InteropError } from './errors.js';
import { readExcalidraw } from './excalidraw-import.js';
import { ImportBuilder, type ImportedBoard } from './imported.js';
import { checkImage } from './images.js';
import { limits } from './limits.js';
import { isBoardFile, readBoardFile } from './meshboard-json.js';
import { isRecord, parseJson } from './safe-json.js';
import { readTldraw } from './tldraw-import.js';

const SUPPORTED = 'Meshboard JSON, PNG or SVG exported with a board inside, .excalidraw, .excalidrawlib, .tldr, or a PNG/JPEG/GIF/WebP/SVG image';

/**
 * Reads any file a person may drop on a board, by its content (never its name): a board file, an exported
 * PNG/SVG with a Meshboard or Excalidraw scene inside, an Excalidraw scene/library/clipboard, a .tldr file,
 * or a plain image (which becomes one image shape). Throws `InteropError` with a readable message otherwise.
 */
export async function importFile(bytes: Uint8Array, name = 'the file'): Promise<ImportedBoard> {
  if (bytes.byteLength === 0) throw new InteropError('empty', `${name} is empty`);
  if (bytes.byteLength > limits.maxFileBytes) throw new InteropError('too_large', `${name} is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB (at most ${limits.maxFileBytes / 1024 / 1024} MB)`);
  if (isPng(bytes)) {
    const scene = sceneFromPng(bytes);
    return scene ? importScene(scene) : importImage(bytes, 'image/png');
  }
  if (isOtherImage(bytes)) return importImage(bytes, undefined);
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('<')) {
    const scene = sceneFromSvg(text);
    return scene ? importScene(scene) : importImage(bytes, 'image/svg+xml');
  }
  if (!start.startsWith('{')) throw new InteropError('unsupported_format', `${name} is not a file Meshboard can open (${SUPPORTED})`);
  return importJsonText(text, name);
}

/** Reads JSON text: a board file, any Excalidraw JSON (including what Excalidraw puts on the clipboard) or .tldr. */
export async function importJsonText(text: string, name = 'the file'): Promise<ImportedBoard> {
  const { value, removedKeys } = parseJson(text, name);
  const imported = await dispatch(value, name);
  if (removedKeys > 0) imported.notices.push(`${removedKeys} ${removedKeys === 1 ? 'key' : 'keys'} that could tamper with the app (__proto__, constructor, prototype) were removed`);
  return imported;
}

async function dispatch(value: unknown, name: string): Promise<ImportedBoard> {
  if (!isRecord(value)) throw new InteropError('unsupported_format', `${name} is JSON but not a board (${SUPPORTED})`);
  if (isBoardFile(value)) return readBoardFile(value);
  if (typeof value.type === 'string' && value.type.startsWith('excalidraw')) return readExcalidraw(value);
  if ('tldrawFileFormatVersion' in value || (isRecord(value.document) && 'pageStates' in value.document)) return readTldraw(value);
  throw new InteropError('unsupported_format', `${name} is JSON but not a board (${SUPPORTED})`);
}

async function importScene(scene: EmbeddedScene): Promise<ImportedBoard> {
  const what = scene.kind === 'meshboard' ? 'the board inside the image' : 'the Excalidraw scene inside the image';
  const { value, removedKeys } = parseJson(scene.json, what);
  const imported = await dispatch(value, what);
  if (removedKeys > 0) imported.notices.push(`${removedKeys} keys that could tamper with the app were removed`);
  return imported;
}

/** A plain image becomes one image shape at its own size (at most 1,000 units wide). */
async function importImage(bytes: Uint8Array, declaredMime: string | undefined): Promise<ImportedBoard> {
  const image = checkImage(bytes, declaredMime);
  const b = new ImportBuilder();
  const assetId = (await b.addImage(image.data, image.mimeType, 'The image'))!;
  const scale = Math.min(1, 1000 / Math.max(image.width, 1));
  b.add({ type: 'image', assetId, x: 0, y: 0, w: image.width * scale, h: image.height * scale });
  return b.finish('meshboard', '');
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

function isOtherImage(bytes: Uint8Array): boolean {
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const gif = bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46;
  const webp = bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46 && bytes[8] === 0x57 && bytes[9] === 0x45;
  return jpeg || gif || webp;
}
