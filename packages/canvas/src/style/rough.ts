import roughImport from 'roughjs';
import type { Drawable, Options } from 'roughjs/bin/core.js';
import type { RoughGenerator } from 'roughjs/bin/generator.js';
import { arrowheadGeometry, boxCorners, pathToSvg, roundedPolygon, type ArrowRoute, type Shape } from '@meshboard/board';
import { dashPattern, roughSeed } from './stroke.js';

/**
 * One piece of a hand-drawn shape: an SVG path string, either stroked (`stroke` colour and width; `dashed`
 * when the shape's stroke style applies to it: outlines yes, hachure fill and arrowheads no) or filled.
 */
export interface RoughPath {
  d: string;
  stroke: string | null;
  strokeWidth: number;
  fill: string | null;
  dashed: boolean;
}

/** roughjs' drawable as our paths: outline sets ('path') carry the dash, fill sketches and solid fills do not. */
function toPaths(drawable: Drawable, outlineDashed: boolean): RoughPath[] {
  const o = drawable.options;
  const out: RoughPath[] = [];
  for (const set of drawable.sets) {
    const d = generator.opsToPath(set);
    if (!d) continue;
    if (set.type === 'path') out.push({ d, stroke: o.stroke, strokeWidth: o.strokeWidth, fill: null, dashed: outlineDashed });
    else if (set.type === 'fillSketch') out.push({ d, stroke: o.fill ?? o.stroke, strokeWidth: o.fillWeight > 0 ? o.fillWeight : o.strokeWidth / 2, fill: null, dashed: false });
    else out.push({ d, stroke: null, strokeWidth: 0, fill: o.fill ?? o.stroke, dashed: false });
  }
  return out;
}

/** roughjs' own roughness for our levels 1 (hand-drawn) and 2 (very sloppy); Excalidraw's artist/cartoonist. */
const ROUGHNESS: Record<1 | 2, number> = { 1: 1, 2: 2 };

/** roughjs ships CommonJS to Node and ESM to bundlers: either way, the object with `generator()`. */
const roughApi = ((roughImport as unknown as { default?: unknown }).default ?? roughImport) as { generator(): RoughGenerator };
const generator = roughApi.generator();

function options(shape: Shape, extra: Options = {}): Options {
  const level = shape.roughness === 2 ? 2 : 1;
  const dash = dashPattern(shape.strokeStyle, shape.strokeWidth);
  return {
    seed: roughSeed(shape),
    roughness: ROUGHNESS[level],
    bowing: level,
    stroke: shape.strokeColor,
    strokeWidth: Math.max(shape.strokeWidth, 0.5),
    // a dashed or dotted outline is drawn in one pass (two overlapping dashed passes look blotchy, as Excalidraw)
    ...(dash.length > 0 ? { disableMultiStroke: true } : {}),
    ...extra,
  };
}

function fillOptions(shape: Shape): Options {
  if (shape.type === 'line' || shape.type === 'arrow' || shape.type === 'freehand' || shape.fillColor === 'transparent') return {};
  return { fill: shape.fillColor, fillStyle: 'hachure', hachureGap: Math.max(4, shape.strokeWidth * 4), fillWeight: Math.max(shape.strokeWidth / 2, 0.5) };
}

/**
 * The hand-drawn paths of a box shape, in its own coordinates (origin top-left, unrotated). Pure: the same
 * shape (same seed) gives the same paths on every peer and in the SVG exporter.
 */
export function roughBoxPaths(shape: Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' }>): RoughPath[] {
  const { w, h } = shape;
  const opts = options(shape, fillOptions(shape));
  let drawable;
  if (shape.type === 'ellipse') drawable = generator.ellipse(w / 2, h / 2, w, h, opts);
  else if (shape.type === 'rectangle') {
    drawable = shape.cornerRadius > 0 ? generator.path(pathToSvg(roundedPolygon(boxCorners('rectangle', w, h), shape.cornerRadius)), opts) : generator.rectangle(0, 0, w, h, opts);
  } else {
    drawable = shape.cornerRadius > 0 ? generator.path(pathToSvg(roundedPolygon(boxCorners('diamond', w, h), shape.cornerRadius)), opts) : generator.polygon([[w / 2, 0], [w, h / 2], [w / 2, h], [0, h / 2]], opts);
  }
  return toPaths(drawable, shape.strokeStyle !== 'solid');
}

/** The hand-drawn paths of an arrow or line (world coordinates), its arrowheads included. */
export function roughArrowPaths(shape: Extract<Shape, { type: 'line' | 'arrow' }>, route: ArrowRoute): RoughPath[] {
  const opts = options(shape);
  const paths = toPaths(generator.path(pathToSvg(route.path), opts), shape.strokeStyle !== 'solid');
  const n = route.points.length;
  const ends: Array<[typeof shape.startArrowhead, number, number, number]> = [
    [shape.startArrowhead, route.points[0]!, route.points[1]!, route.startAngle],
    [shape.endArrowhead, route.points[n - 2]!, route.points[n - 1]!, route.endAngle],
  ];
  for (const [head, x, y, angle] of ends) {
    const geometry = arrowheadGeometry(head, x, y, angle, shape.strokeWidth);
    if (!geometry) continue;
    // heads are drawn solid even on dashed lines (a dashed arrowhead is unreadable)
    const headOpts: Options = { ...opts, ...(geometry.filled ? { fill: shape.strokeColor, fillStyle: 'solid' } : {}) };
    paths.push(...toPaths(generator.path(pathToSvg(geometry.path), headOpts), false));
  }
  return paths;
}
