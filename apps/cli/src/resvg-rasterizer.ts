import { Resvg } from '@resvg/resvg-js';
import type { Rasterizer } from '@meshboard/interop';

/**
 * SVG to PNG through resvg (a maintained native renderer): the CLI's PNG is the interop package's SVG, the
 * same the browser exports, rasterised (the browser rasterises it in a canvas). Lives here, not in the
 * framework-free package, so no browser bundle ever meets a native module.
 */
export const resvgRasterizer: Rasterizer = async (svg, width) => {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  const rendered = resvg.render();
  return { width: rendered.width, height: rendered.height, data: new Uint8Array(rendered.pixels) };
};
