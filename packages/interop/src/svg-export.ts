import { ARROW_LABEL_GAP, arrowheadGeometry, arrowLabelPlacement, arrowRoute, pathToSvg, type Arrowhead, type Bounds, type Shape } from '@meshboard/board';
import { toDataUrl } from './base64.js';
import { encodeEmbedded, SVG_NAMESPACE } from './embed.js';
import { serializeBoardFile } from './meshboard-json.js';
import {
  approximateWidth,
  arrowLabelWidth,
  boundsOf,
  dashPattern,
  drawingOrder,
  FONT_FAMILY,
  FONT_STACKS,
  inkFor,
  LINE_HEIGHT,
  localPath,
  STICKY_TEXT_COLOR,
  stickyFill,
  textLayout,
  THEMES,
  type Lookup,
  type TextShapeLike,
  type Theme,
} from './outline.js';
import { lookupIn, type BoardSnapshot } from './snapshot.js';

export interface ExportOptions {
  /** paint the theme's background (default true); off gives a transparent image */
  background?: boolean;
  theme?: Theme;
  /** board units around the content (default 32) */
  padding?: number;
  /** output pixels per board unit (default 1) */
  scale?: number;
  /** carry the board file inside the image, so dropping it back restores the shapes (default true) */
  embed?: boolean;
  /** export exactly this area (a frame) instead of the content's bounds */
  area?: Bounds;
  /** text width measure (the browser passes its canvas's); an estimate otherwise */
  measure?: (text: string, fontSize: number) => number;
}

export interface SvgExport {
  svg: string;
  width: number;
  height: number;
  /** the board area shown */
  bounds: Bounds;
}

/** XML-escaped, without the control characters XML 1.0 cannot hold at all. */
const esc = (value: string) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Colours come from peers and files: only plain colour syntax reaches an attribute. */
const safeColor = (value: string, fallback: string) => (/^(#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\))$/i.test(value) ? value : fallback);
const n = (value: number) => String(Math.round(value * 100) / 100);

/**
 * The one SVG exporter, used by the browser (download, copy, preview) and the CLI (which rasterises it for
 * PNG). The output is plain SVG: shapes, text, images as data URLs, and the board file in <metadata>; never
 * script, event handlers or external references.
 */
export function exportSvg(snapshot: BoardSnapshot, options: ExportOptions = {}): SvgExport {
  const theme = options.theme ?? 'light';
  const padding = options.padding ?? 32;
  const scale = options.scale ?? 1;
  const lookup = lookupIn(snapshot.shapes);
  const content = options.area ?? boundsOf(snapshot.shapes, lookup) ?? { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  const bounds = { minX: content.minX - padding, minY: content.minY - padding, maxX: content.maxX + padding, maxY: content.maxY + padding };
  const w = Math.max(1, bounds.maxX - bounds.minX);
  const h = Math.max(1, bounds.maxY - bounds.minY);
  const width = Math.max(1, Math.round(w * scale));
  const height = Math.max(1, Math.round(h * scale));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:meshboard="${SVG_NAMESPACE}" width="${width}" height="${height}" viewBox="${n(bounds.minX)} ${n(bounds.minY)} ${n(w)} ${n(h)}">`,
  );
  if (snapshot.title) parts.push(`<title>${esc(snapshot.title)}</title>`);
  if (options.embed !== false) {
    parts.push(`<metadata><meshboard:board encoding="base64">${encodeEmbedded(serializeBoardFile(snapshot, { source: 'meshboard-svg' }))}</meshboard:board></metadata>`);
  }
  if (options.background !== false) {
    parts.push(`<rect x="${n(bounds.minX)}" y="${n(bounds.minY)}" width="${n(w)}" height="${n(h)}" fill="${THEMES[theme].background}"/>`);
  }
  const measure = options.measure;
  // A frame clips its children: one clipPath per frame, in the frame's own (possibly rotated) box.
  const clips = new Map<string, string>();
  const defs: string[] = [];
  for (const frame of snapshot.shapes) {
    if (frame.type !== 'frame') continue;
    const clipId = `frame-clip-${clips.size}`;
    clips.set(frame.id, clipId);
    const deg = (frame.rotation * 180) / Math.PI;
    defs.push(`<clipPath id="${clipId}"><rect x="${n(frame.x)}" y="${n(frame.y)}" width="${n(frame.w)}" height="${n(frame.h)}"${frame.rotation ? ` transform="rotate(${n(deg)} ${n(frame.x + frame.w / 2)} ${n(frame.y + frame.h / 2)})"` : ''}/></clipPath>`);
  }
  if (defs.length > 0) parts.push(`<defs>${defs.join('')}</defs>`);
  for (const shape of drawingOrder(snapshot.shapes)) {
    const clip = shape.frameId ? clips.get(shape.frameId) : undefined;
    const svg = shapeSvg(shape, snapshot, lookup, theme, measure);
    parts.push(clip ? `<g clip-path="url(#${clip})">${svg}</g>` : svg);
  }
  parts.push('</svg>');
  return { svg: parts.join(''), width, height, bounds };
}

type Measure = ((text: string, fontSize: number) => number) | undefined;

function shapeSvg(shape: Shape, snapshot: BoardSnapshot, lookup: Lookup, theme: Theme, measure: Measure): string {
  const ink = safeColor(inkFor(shape.strokeColor, theme), THEMES[theme].defaultStroke);
  const fill = shape.fillColor === 'transparent' ? 'none' : safeColor(shape.fillColor, 'none');
  const opacity = shape.opacity < 1 ? ` opacity="${n(shape.opacity)}"` : '';
  const data = ` data-shape="${shape.type}" data-id="${esc(shape.id)}"`;
  const dash = dashPattern(shape.strokeStyle, shape.strokeWidth);
  const strokeAttrs = (width: number) =>
    `stroke="${ink}" stroke-width="${n(width)}" stroke-linecap="round" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash.map(n).join(' ')}"` : ''}`;
  if (shape.type === 'line' || shape.type === 'arrow') {
    // The course as the canvas draws it (elbow routed around bound shapes, curves as curves), with the
    // canvas's arrowheads at the angles the course arrives at
    const route = arrowRoute(shape, lookup);
    let body = `<path d="${pathToSvg(route.path)}" ${strokeAttrs(shape.strokeWidth)} fill="none"/>`;
    const pts = route.points;
    if (pts.length >= 4) {
      const solid = `stroke="${ink}" stroke-width="${n(shape.strokeWidth)}" stroke-linecap="round" stroke-linejoin="round"`;
      const heads: Array<[Arrowhead, number, number, number]> = [
        [shape.endArrowhead, pts[pts.length - 2]!, pts[pts.length - 1]!, route.endAngle],
        [shape.startArrowhead, pts[0]!, pts[1]!, route.startAngle],
      ];
      for (const [kind, x, y, angle] of heads) {
        const head = arrowheadGeometry(kind, x, y, angle, shape.strokeWidth);
        if (head) body += `<path d="${pathToSvg(head.path)}" ${solid} fill="${head.filled ? ink : 'none'}"/>`;
      }
    }
    if (shape.type === 'arrow' && shape.text) {
      // on the course's middle, turned along the line where it fits its straight run (as on the canvas)
      const measureLine = measure ? (s: string) => measure(s, shape.fontSize) : approximateWidth(shape.fontSize);
      const place = arrowLabelPlacement(route, arrowLabelWidth(shape.text, shape.fontSize, measureLine), shape.fontSize * ARROW_LABEL_GAP);
      const turn = place.angle ? ` rotate(${n((place.angle * 180) / Math.PI)})` : '';
      body += textSvg(shape, ink, measure, theme, `translate(${n(place.x)} ${n(place.y)})${turn}`);
    }
    return `<g${data}${opacity}>${body}</g>`;
  }
  const deg = (shape.rotation * 180) / Math.PI;
  const transform = `translate(${n(shape.x)} ${n(shape.y)})${shape.rotation ? ` rotate(${n(deg)} ${n(shape.w / 2)} ${n(shape.h / 2)})` : ''}`;
  let body = '';
  switch (shape.type) {
    case 'rectangle':
    case 'ellipse':
    case 'diamond':
      body = `<path d="${pathToSvg(localPath(shape)!)}" fill="${fill}"${shape.strokeWidth > 0 ? ` ${strokeAttrs(shape.strokeWidth)}` : ''}/>` + textSvg(shape, ink, measure, theme);
      break;
    case 'frame':
      body =
        `<rect width="${n(shape.w)}" height="${n(shape.h)}" fill="${fill}" stroke="${theme === 'dark' ? '#5c5f66' : '#adb5bd'}" stroke-width="1"/>` +
        `<text x="0" y="-8" font-family="${esc(FONT_FAMILY)}" font-size="14" fill="${theme === 'dark' ? '#a6a7ab' : '#868e96'}">${esc(shape.name || 'Frame')}</text>`;
      break;
    case 'freehand': {
      const path = localPath(shape);
      if (path) body = `<path d="${pathToSvg(path)}" fill="${ink}"${shape.variant === 'highlighter' ? ' opacity="0.35"' : ''}/>`;
      break;
    }
    case 'sticky':
      body = `<rect width="${n(shape.w)}" height="${n(shape.h)}" fill="${safeColor(stickyFill(shape.fillColor), '#ffec99')}"/>` + textSvg(shape, STICKY_TEXT_COLOR, measure, theme);
      break;
    case 'text':
      body = textSvg(shape, ink, measure, theme);
      break;
    case 'image': {
      const asset = snapshot.assets.get(shape.assetId);
      body = asset?.data
        ? `<image width="${n(shape.w)}" height="${n(shape.h)}" preserveAspectRatio="none" href="${toDataUrl(asset.mimeType, asset.data)}"/>`
        : `<rect width="${n(shape.w)}" height="${n(shape.h)}" fill="${theme === 'dark' ? '#2b2b2b' : '#f1f3f5'}"/>`;
      break;
    }
  }
  return `<g${data} transform="${transform}"${opacity}>${body}</g>`;
}

function textSvg(shape: TextShapeLike, color: string, measure: Measure, theme: Theme, transform?: string): string {
  const measureLine = measure ? (s: string) => measure(s, shape.fontSize) : approximateWidth(shape.fontSize);
  const lines = textLayout(shape, measureLine);
  if (lines.length === 0) return '';
  const family = esc(FONT_STACKS[shape.fontFamily]);
  const out: string[] = [];
  if (shape.type === 'arrow') {
    // The label cuts the line, as on the board: a background-coloured box behind it, the label gap wide
    const pad = shape.fontSize * ARROW_LABEL_GAP;
    const w = Math.max(...lines.map((line) => measureLine(line.text))) + pad * 2;
    const h = lines.length * shape.fontSize * LINE_HEIGHT + pad * 2;
    out.push(`<rect x="${n(-w / 2)}" y="${n(-h / 2)}" width="${n(w)}" height="${n(h)}" fill="${THEMES[theme].background}"/>`);
  }
  for (const line of lines) {
    if (!line.text) continue;
    out.push(`<text x="${n(line.x)}" y="${n(line.y)}" font-family="${family}" font-size="${n(shape.fontSize)}" fill="${color}" text-anchor="${line.anchor}" xml:space="preserve">${esc(line.text)}</text>`);
  }
  return transform ? `<g transform="${transform}">${out.join('')}</g>` : out.join('');
}
