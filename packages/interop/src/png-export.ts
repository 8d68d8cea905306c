import { encodeEmbedded, EMBED_KEYWORD } from './embed.js';
import { serializeBoardFile } from './meshboard-json.js';
import { withPngText } from './png-chunks.js';
import type { BoardSnapshot } from './snapshot.js';
import { exportSvg, type ExportOptions } from './svg-export.js';

/**
 * Turns an SVG into PNG bytes at the given pixel size. In Node this is resvg (see `@meshboard/interop/node`);
 * in the browser, the page draws the SVG into a canvas. Either way the SVG is the one from `exportSvg`.
 */
export type Rasterizer = (svg: string, width: number, height: number) => Promise<Uint8Array>;

/** PNG of the snapshot: the exporter's SVG rasterised, with the board file in a tEXt chunk (unless `embed: false`). */
export async function exportPng(snapshot: BoardSnapshot, rasterize: Rasterizer, options: ExportOptions = {}): Promise<Uint8Array> {
  const { svg, width, height } = exportSvg(snapshot, { ...options, embed: false });
  const png = await rasterize(svg, width, height);
  if (options.embed === false) return png;
  return withPngText(png, { [EMBED_KEYWORD]: encodeEmbedded(serializeBoardFile(snapshot, { source: 'meshboard-png' })) });
}
