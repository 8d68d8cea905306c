import { Resvg } from '@resvg/resvg-js';
import type { Rasterizer } from './png-export.js';

/**
 * Node-only entry (`@meshboard/interop/node`): SVG to PNG through resvg (a maintained native renderer), so the
 * CLI's PNG is the same SVG the browser exports, rasterised. Kept out of the main entry so browsers never
 * bundle a native module.
 */
export const resvgRasterizer: Rasterizer = async (svg, width) => {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
};
