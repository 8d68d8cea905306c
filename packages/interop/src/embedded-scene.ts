import { Unzlib } from 'fflate';
import { DOMParser, type Element as XmlElement, type Node as XmlNode } from '@xmldom/xmldom';
import { decodePng } from './png-chunks.js';
import { base64ToBytes } from './base64.js';
import { decodeEmbedded, EMBED_KEYWORD, SVG_NAMESPACE } from './embed.js';
import { InteropError } from './errors.js';
import { limits } from './limits.js';
import { isRecord, parseJson } from './safe-json.js';

/** Excalidraw's keyword for the scene it stores in exported PNGs and SVGs. */
const EXCALIDRAW_MIME = 'application/vnd.excalidraw+json';

/** The JSON text found inside an exported image, and whose format it claims to be. */
export interface EmbeddedScene {
  kind: 'meshboard' | 'excalidraw';
  json: string;
}

/**
 * The scene inside an SVG exported by Meshboard (<meshboard:board> in <metadata>) or by Excalidraw (a base64
 * payload between `payload-start` / `payload-end` comments, compressed in its version 2). Null when the SVG
 * carries none. The SVG is parsed as XML, never rendered, so scripts in it never run.
 */
export function sceneFromSvg(svgText: string): EmbeddedScene | null {
  let root: XmlElement | null;
  try {
    root = new DOMParser({ onError: () => undefined }).parseFromString(svgText, 'image/svg+xml').documentElement;
  } catch (error) {
    throw new InteropError('malformed', `the SVG could not be read (${(error as Error).message})`);
  }
  if (!root || root.localName !== 'svg') throw new InteropError('malformed', 'the file is not an SVG image');
  const ours = root.getElementsByTagNameNS(SVG_NAMESPACE, 'board').item(0);
  if (ours?.textContent) return { kind: 'meshboard', json: decodeEmbedded(ours.textContent.trim()) };
  // Excalidraw keeps its payload in comments directly under <svg>.
  const comments: string[] = [];
  for (let child: XmlNode | null = root.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 8) comments.push((child.nodeValue ?? '').trim());
  }
  if (!comments.includes(`payload-type:${EXCALIDRAW_MIME}`)) return null;
  const match = /<!--\s*payload-start\s*-->\s*([A-Za-z0-9+/=\s]+?)\s*<!--\s*payload-end\s*-->/.exec(svgText);
  if (!match) throw new InteropError('truncated', 'the Excalidraw SVG has a scene marker but no complete scene');
  const bytes = base64ToBytes(match[1]!);
  // Version 2 base64-encodes a byte string (the compressed envelope) as is; version 1 encodes UTF-8 JSON.
  if (comments.includes('payload-version:2')) return { kind: 'excalidraw', json: inflateExcalidraw(latin1(bytes)) };
  return { kind: 'excalidraw', json: new TextDecoder().decode(bytes) };
}

/** The scene inside a PNG exported by Meshboard or Excalidraw (a tEXt chunk), or null when it has none. */
export function sceneFromPng(bytes: Uint8Array): EmbeddedScene | null {
  const text = decodePng(bytes).text;
  const ours = text[EMBED_KEYWORD];
  if (ours) return { kind: 'meshboard', json: decodeEmbedded(ours) };
  const excalidraw = text[EXCALIDRAW_MIME];
  if (excalidraw) return { kind: 'excalidraw', json: inflateExcalidraw(excalidraw) };
  return null;
}

/**
 * Excalidraw's encoded-data envelope `{ version, encoding: "bstring", compressed, encoded }`: a byte string
 * (one char per byte) of zlib-deflated UTF-8 JSON when `compressed`. Plain scene JSON passes through.
 */
function inflateExcalidraw(text: string): string {
  const { value } = parseJson(text, 'the embedded Excalidraw scene');
  if (!isRecord(value) || value.encoding !== 'bstring' || typeof value.encoded !== 'string') return text;
  const bytes = new Uint8Array(value.encoded.length);
  for (let i = 0; i < value.encoded.length; i++) bytes[i] = value.encoded.charCodeAt(i) & 0xff;
  if (!value.compressed) return new TextDecoder().decode(bytes);
  // Inflated in chunks with a running total, so a small "zip bomb" is refused instead of filling memory.
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const inflater = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > limits.maxFileBytes) throw new InteropError('too_large', `the embedded Excalidraw scene inflates past ${limits.maxFileBytes / 1024 / 1024} MB`);
    chunks.push(chunk);
    if (final) finished = true;
  });
  try {
    inflater.push(bytes, true);
  } catch (error) {
    if (error instanceof InteropError) throw error;
    throw new InteropError('truncated', `the embedded Excalidraw scene could not be decompressed (${(error as Error).message})`);
  }
  if (!finished) throw new InteropError('truncated', 'the embedded Excalidraw scene is cut short');
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(out);
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}
