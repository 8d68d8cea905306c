import { encodeEmbedded, EMBED_KEYWORD } from './embed.js';
import { serializeBoardFile } from './meshboard-json.js';
import { encodeRgbaPng } from './png-chunks.js';
import type { BoardSnapshot } from './snapshot.js';
import { exportSvg, type ExportOptions } from './svg-export.js';

/** Pixels of a rasterised SVG: RGBA, 8 bits per channel, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Turns an SVG into RGBA pixels at the given size: resvg in the CLI, a canvas in the browser. Either way the
 * SVG is the one from `exportSvg`. Pixels (not a PNG) so the PNG is encoded once, with the board's text chunk,
 * instead of decoded and encoded again (on a 30-megapixel board that second pass was most of the time).
 */
export type Rasterizer = (svg: string, width: number, height: number) => Promise<RgbaImage>;

/** PNG of the snapshot: the exporter's SVG rasterised, with the board file in a tEXt chunk (unless `embed: false`). */
export async function exportPng(snapshot: BoardSnapshot, rasterize: Rasterizer, options: ExportOptions = {}): Promise<Uint8Array> {
  const { svg, width, height } = exportSvg(snapshot, { ...options, embed: false });
  const image = await rasterize(svg, width, height);
  const text = options.embed === false ? undefined : { [EMBED_KEYWORD]: encodeEmbedded(serializeBoardFile(snapshot, { source: 'meshboard-png' })) };
  return encodeRgbaPng(image.width, image.height, image.data, text);
}
