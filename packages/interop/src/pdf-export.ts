import { degrees, PDFDocument, rgb, StandardFonts, type Color, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Bounds, Point, Shape } from '@meshboard/board';
import {
  approximateWidth,
  arrowheadPoints,
  boundsOf,
  inkFor,
  LINE_HEIGHT,
  linePoints,
  localPath,
  mapPath,
  pathData,
  STICKY_PADDING,
  STICKY_TEXT_COLOR,
  stickyFill,
  textLines,
  THEMES,
  toWorld,
  type Lookup,
  type Theme,
} from './outline.js';
import { lookupIn, type BoardSnapshot } from './snapshot.js';

export interface PdfOptions {
  theme?: Theme;
  background?: boolean;
  padding?: number;
}

export interface PdfExport {
  bytes: Uint8Array;
  pages: number;
  /** what could not be drawn exactly (characters outside the PDF standard font, image kinds PDF cannot hold) */
  notices: string[];
}

/**
 * The snapshot as a vector PDF (pdf-lib): one page per frame, or the whole board on one page when it has no
 * frames. Shapes are PDF paths, text is real (selectable) text in Helvetica, images are embedded.
 */
export async function exportPdf(snapshot: BoardSnapshot, options: PdfOptions = {}): Promise<PdfExport> {
  const theme = options.theme ?? 'light';
  const padding = options.padding ?? 32;
  const lookup = lookupIn(snapshot.shapes);
  const pdf = await PDFDocument.create();
  pdf.setTitle(snapshot.title || 'Meshboard board');
  pdf.setCreator('Meshboard');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const notices = new Set<string>();
  const images = new Map<string, Awaited<ReturnType<PDFDocument['embedPng']>> | null>();
  const frames = snapshot.shapes.filter((shape) => (shape.type as string) === 'frame');
  const pages: Array<{ area: Bounds; shapes: readonly Shape[] }> =
    frames.length > 0
      ? frames.map((frame) => ({
          area: { minX: frame.x, minY: frame.y, maxX: frame.x + frame.w, maxY: frame.y + frame.h },
          shapes: snapshot.shapes.filter((shape) => shape.id === frame.id || (shape as { frameId?: string | null }).frameId === frame.id),
        }))
      : [{ area: boundsOf(snapshot.shapes, lookup) ?? { minX: 0, minY: 0, maxX: 100, maxY: 100 }, shapes: snapshot.shapes }];
  for (const { area, shapes } of pages) {
    const bounds = { minX: area.minX - padding, minY: area.minY - padding, maxX: area.maxX + padding, maxY: area.maxY + padding };
    const width = Math.max(1, bounds.maxX - bounds.minX);
    const height = Math.max(1, bounds.maxY - bounds.minY);
    const page = pdf.addPage([width, height]);
    if (options.background !== false) page.drawRectangle({ x: 0, y: 0, width, height, color: toRgb(THEMES[theme].background) ?? rgb(1, 1, 1) });
    const toPage = (p: Point): Point => ({ x: p.x - bounds.minX, y: p.y - bounds.minY });
    for (const shape of shapes) await drawShape(pdf, page, shape, { snapshot, lookup, theme, font, toPage, height, notices, images });
  }
  return { bytes: await pdf.save(), pages: pages.length, notices: [...notices] };
}

interface DrawContext {
  snapshot: BoardSnapshot;
  lookup: Lookup;
  theme: Theme;
  font: PDFFont;
  /** board point -> page point with y still pointing down (drawSvgPath flips it) */
  toPage: (p: Point) => Point;
  height: number;
  notices: Set<string>;
  images: Map<string, Awaited<ReturnType<PDFDocument['embedPng']>> | null>;
}

async function drawShape(pdf: PDFDocument, page: PDFPage, shape: Shape, ctx: DrawContext): Promise<void> {
  const ink = toRgb(inkFor(shape.strokeColor, ctx.theme)) ?? rgb(0, 0, 0);
  const fill = shape.fillColor === 'transparent' ? undefined : toRgb(shape.fillColor);
  const opacity = shape.opacity;
  const world = (p: Point) => ctx.toPage(toWorld(shape, p));
  const svgPath = (d: string, style: { color?: Color; borderColor?: Color; borderWidth?: number; opacity?: number }) =>
    page.drawSvgPath(d, { x: 0, y: ctx.height, ...style, ...(style.color ? { opacity: style.opacity ?? opacity } : {}), borderOpacity: opacity, borderLineCap: 1 });
  switch (shape.type) {
    case 'line':
    case 'arrow': {
      const points = linePoints(shape, ctx.lookup).map(ctx.toPage);
      const stroke = { borderColor: ink, borderWidth: shape.strokeWidth };
      svgPath(points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(''), stroke);
      if (shape.type === 'arrow' && points.length >= 2) {
        const heads: Array<[Point, Point]> = [];
        if (shape.endArrowhead === 'arrow') heads.push([points[points.length - 2]!, points[points.length - 1]!]);
        if (shape.startArrowhead === 'arrow') heads.push([points[1]!, points[0]!]);
        for (const [from, tip] of heads) {
          const [a, b, c] = arrowheadPoints(from, tip, shape.strokeWidth);
          svgPath(`M${a.x} ${a.y}L${b.x} ${b.y}L${c.x} ${c.y}`, stroke);
        }
      }
      return;
    }
    case 'rectangle':
    case 'ellipse':
    case 'diamond':
      svgPath(pathData(mapPath(localPath(shape)!, world)), { ...(fill ? { color: fill } : {}), ...(shape.strokeWidth > 0 ? { borderColor: ink, borderWidth: shape.strokeWidth } : {}) });
      return;
    case 'freehand': {
      const path = localPath(shape);
      if (path) svgPath(pathData(mapPath(path, world)), { color: ink, opacity: opacity * (shape.variant === 'highlighter' ? 0.35 : 1) });
      return;
    }
    case 'sticky':
      svgPath(pathData(mapPath(localPath(shape)!, world)), { color: toRgb(stickyFill(shape.fillColor)) ?? rgb(1, 0.93, 0.6) });
      drawText(page, shape, toRgb(STICKY_TEXT_COLOR)!, ctx);
      return;
    case 'text':
      drawText(page, shape, ink, ctx);
      return;
    case 'image': {
      const asset = ctx.snapshot.assets.get(shape.assetId);
      let image = ctx.images.get(shape.assetId);
      if (image === undefined && asset?.data) {
        image = asset.mimeType === 'image/png' ? await pdf.embedPng(asset.data) : asset.mimeType === 'image/jpeg' ? await pdf.embedJpg(asset.data) : null;
        if (!image) ctx.notices.add(`${asset.mimeType} images are shown as placeholders in PDF (PDF holds PNG and JPEG)`);
        ctx.images.set(shape.assetId, image);
      }
      if (!image) {
        svgPath(pathData(mapPath(localPath(shape)!, world)), { color: rgb(0.945, 0.953, 0.961) });
        return;
      }
      // pdf-lib rotates an image about its lower-left corner, which is the shape's bottom-left on the board.
      const corner = world({ x: 0, y: shape.h });
      page.drawImage(image, { x: corner.x, y: ctx.height - corner.y, width: shape.w, height: shape.h, rotate: degrees((-shape.rotation * 180) / Math.PI), opacity });
      return;
    }
  }
}

function drawText(page: PDFPage, shape: Extract<Shape, { type: 'text' | 'sticky' }>, color: Color, ctx: DrawContext): void {
  const pad = shape.type === 'sticky' ? STICKY_PADDING : 0;
  const size = shape.fontSize;
  const measure = (s: string) => {
    try {
      return ctx.font.widthOfTextAtSize(s, size);
    } catch {
      return approximateWidth(size)(s);
    }
  };
  const lineHeight = size * LINE_HEIGHT;
  textLines(shape, measure).forEach((raw, i) => {
    const line = encodable(raw, ctx.font, ctx.notices);
    if (!line) return;
    const width = measure(line);
    const x = shape.textAlign === 'left' ? pad : shape.textAlign === 'center' ? shape.w / 2 - width / 2 : shape.w - pad - width;
    const baseline = pad + i * lineHeight + (lineHeight - size) / 2 + size * 0.8;
    const origin = ctx.toPage(toWorld(shape, { x, y: baseline }));
    page.drawText(line, { x: origin.x, y: ctx.height - origin.y, size, font: ctx.font, color, opacity: shape.opacity, rotate: degrees((-shape.rotation * 180) / Math.PI) });
  });
}

/** The line with characters the standard font cannot encode replaced by "?" (noted once). */
function encodable(line: string, font: PDFFont, notices: Set<string>): string {
  try {
    font.encodeText(line);
    return line;
  } catch {
    let out = '';
    for (const char of line) {
      try {
        font.encodeText(char);
        out += char;
      } catch {
        out += '?';
      }
    }
    notices.add('Some characters are outside the PDF standard font and show as "?"');
    return out;
  }
}

/** #rgb / #rrggbb as a pdf-lib colour; null for anything else (named colours from files are rare). */
function toRgb(color: string): Color | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color);
  if (!hex) return NAMED[color.toLowerCase()] ?? null;
  const value = hex[1]!.length === 3 ? hex[1]!.split('').map((c) => c + c).join('') : hex[1]!;
  return rgb(parseInt(value.slice(0, 2), 16) / 255, parseInt(value.slice(2, 4), 16) / 255, parseInt(value.slice(4, 6), 16) / 255);
}

const NAMED: Record<string, Color> = { black: rgb(0, 0, 0), white: rgb(1, 1, 1), red: rgb(1, 0, 0), green: rgb(0, 0.5, 0), blue: rgb(0, 0, 1) };
