import { Resvg } from '@resvg/resvg-js';
import type { Rasterizer } from '../src/index.js';

/** The same rasterizer the CLI uses (apps/cli/src/resvg-rasterizer.ts), for round trips through a real PNG. */
export const resvgRasterizer: Rasterizer = async (svg, width) => {
  const rendered = new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render();
  return { width: rendered.width, height: rendered.height, data: new Uint8Array(rendered.pixels) };
};
