import { Shape, type Asset, type AssetInput, type Board } from '@meshboard/board';

/** Marker that identifies our clipboard payloads (anything else pasted is ignored by `paste`). */
export const CLIPBOARD_MARKER = 'meshboard/shapes';
const VERSION = 1;

interface SerializedAsset {
  mimeType: Asset['mimeType'];
  width: number;
  height: number;
  /** base64 of the image bytes, so a paste into another board can store the asset there */
  data: string;
}

export interface ClipboardPayload {
  type: typeof CLIPBOARD_MARKER;
  version: number;
  shapes: Shape[];
  assets: Record<string, SerializedAsset>;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function serializeShapes(board: Board, ids: readonly string[]): string | null {
  const wanted = new Set(ids);
  const shapes = board.listShapes().filter((shape) => wanted.has(shape.id));
  if (shapes.length === 0) return null;
  const assets: Record<string, SerializedAsset> = {};
  for (const shape of shapes) {
    if (shape.type !== 'image' || assets[shape.assetId]) continue;
    const asset = board.getAsset(shape.assetId);
    const bytes = board.getAssetBytes(shape.assetId); // null while still on its way: the paste keeps the hash only
    if (asset && bytes) assets[shape.assetId] = { mimeType: asset.mimeType, width: asset.width, height: asset.height, data: toBase64(bytes) };
  }
  const payload: ClipboardPayload = { type: CLIPBOARD_MARKER, version: VERSION, shapes, assets };
  return JSON.stringify(payload);
}

/** Parses a payload; null for anything that is not ours. Each shape is validated like a peer's write. */
export function parsePayload(text: string): { shapes: Shape[]; assets: Record<string, AssetInput> } | null {
  if (!text.includes(CLIPBOARD_MARKER)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const payload = raw as Partial<ClipboardPayload>;
  if (payload.type !== CLIPBOARD_MARKER || !Array.isArray(payload.shapes)) return null;
  const shapes: Shape[] = [];
  for (const candidate of payload.shapes) {
    const parsed = Shape.safeParse(candidate);
    if (parsed.success) shapes.push(parsed.data);
  }
  const assets: Record<string, AssetInput> = {};
  for (const [id, asset] of Object.entries(payload.assets ?? {})) {
    try {
      assets[id] = { mimeType: asset.mimeType, width: asset.width, height: asset.height, data: fromBase64(asset.data) };
    } catch {
      // A corrupt asset only loses that image.
    }
  }
  return shapes.length > 0 ? { shapes, assets } : null;
}
