import type { Bounds, Shape } from '@meshboard/board';
import { toDataUrl } from './base64.js';
import { encodeEmbedded, SVG_NAMESPACE } from './embed.js';
import { serializeBoardFile } from './meshboard-json.js';
import {
  approximateWidth,
  arrowheadPoints,
  boundsOf,
  FONT_FAMILY,
  inkFor,
  LINE_HEIGHT,
  linePoints,
  localPath,
  pathData,
  STICKY_PADDING,
  STICKY_TEXT_COLOR,
  stickyFill,
  textLines,
  THEMES,
  type Lookup,
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
  for (const shape of snapshot.shapes) parts.push(shapeSvg(shape, snapshot, lookup, theme, measure));
  parts.push('</svg>');
  return { svg: parts.join(''), width, height, bounds };
}

function shapeSvg(shape: Shape, snapshot: BoardSnapshot, lookup: Lookup, theme: Theme, measure?: (text: string, fontSize: number) => number): string {
  const ink = safeColor(inkFor(shape.strokeColor, theme), THEMES[theme].defaultStroke);
  const fill = shape.fillColor === 'transparent' ? 'none' : safeColor(shape.fillColor, 'none');
  const opacity = shape.opacity < 1 ? ` opacity="${n(shape.opacity)}"` : '';
  const data = ` data-shape="${shape.type}" data-id="${esc(shape.id)}"`;
  if (shape.type === 'line' || shape.type === 'arrow') {
    const points = linePoints(shape, lookup);
    const stroke = `stroke="${ink}" stroke-width="${n(shape.strokeWidth)}" stroke-linecap="round" stroke-linejoin="round" fill="none"`;
    let body = `<polyline points="${points.map((p) => `${n(p.x)},${n(p.y)}`).join(' ')}" ${stroke}/>`;
    if (shape.type === 'arrow' && points.length >= 2) {
      const heads: Array<[typeof points[number], typeof points[number]]> = [];
      if (shape.endArrowhead === 'arrow') heads.push([points[points.length - 2]!, points[points.length - 1]!]);
      if (shape.startArrowhead === 'arrow') heads.push([points[1]!, points[0]!]);
      for (const [from, tip] of heads) {
        body += `<polyline points="${arrowheadPoints(from, tip, shape.strokeWidth).map((p) => `${n(p.x)},${n(p.y)}`).join(' ')}" ${stroke}/>`;
      }
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
      body = `<path d="${pathData(localPath(shape)!)}" fill="${fill}"${shape.strokeWidth > 0 ? ` stroke="${ink}" stroke-width="${n(shape.strokeWidth)}" stroke-linejoin="round"` : ''}/>`;
      break;
    case 'freehand': {
      const path = localPath(shape);
      if (path) body = `<path d="${pathData(path)}" fill="${ink}"${shape.variant === 'highlighter' ? ' opacity="0.35"' : ''}/>`;
      break;
    }
    case 'sticky':
      body = `<rect width="${n(shape.w)}" height="${n(shape.h)}" fill="${safeColor(stickyFill(shape.fillColor), '#ffec99')}"/>` + textSvg(shape, STICKY_TEXT_COLOR, measure);
      break;
    case 'text':
      body = textSvg(shape, ink, measure);
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

function textSvg(shape: Extract<Shape, { type: 'text' | 'sticky' }>, color: string, measure?: (text: string, fontSize: number) => number): string {
  const pad = shape.type === 'sticky' ? STICKY_PADDING : 0;
  const measureLine = measure ? (s: string) => measure(s, shape.fontSize) : approximateWidth(shape.fontSize);
  const lines = textLines(shape, measureLine);
  const anchor = shape.textAlign === 'left' ? 'start' : shape.textAlign === 'center' ? 'middle' : 'end';
  const x = shape.textAlign === 'left' ? pad : shape.textAlign === 'center' ? shape.w / 2 : shape.w - pad;
  const lineHeight = shape.fontSize * LINE_HEIGHT;
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line) return;
    // Baseline of a line whose box is `lineHeight` tall (the canvas draws with textBaseline 'top').
    const y = pad + i * lineHeight + (lineHeight - shape.fontSize) / 2 + shape.fontSize * 0.8;
    out.push(`<text x="${n(x)}" y="${n(y)}" font-family="${esc(FONT_FAMILY)}" font-size="${n(shape.fontSize)}" fill="${color}" text-anchor="${anchor}" xml:space="preserve">${esc(line)}</text>`);
  });
  return out.join('');
}
