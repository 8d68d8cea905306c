import { degrees, LineCapStyle, PDFDocument, rgb, StandardFonts, type Color, type PDFFont, type PDFPage } from 'pdf-lib';
import {
  ARROW_LABEL_GAP,
  arrowheadGeometry,
  arrowLabelPlacement,
  arrowRoute,
  mapPath,
  pathToSvg,
  rotatePoint,
  toWorld,
  type Arrowhead,
  type Bounds,
  type Point,
  type Shape,
} from '@meshboard/board';
import {
  approximateWidth,
  arrowLabelWidth,
  boundsOf,
  dashPattern,
  drawingOrder,
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
  // PDF's standard fonts: text stays real, selectable text without embedding a font file.
  const fonts = { sans: await pdf.embedFont(StandardFonts.Helvetica), serif: await pdf.embedFont(StandardFonts.TimesRoman), mono: await pdf.embedFont(StandardFonts.Courier) };
  const notices = new Set<string>();
  const images = new Map<string, Awaited<ReturnType<PDFDocument['embedPng']>> | null>();
  const frames = snapshot.shapes.filter((shape) => shape.type === 'frame');
  const pages: Array<{ area: Bounds; shapes: readonly Shape[] }> =
    frames.length > 0
      ? frames.map((frame) => ({
          area: { minX: frame.x, minY: frame.y, maxX: frame.x + frame.w, maxY: frame.y + frame.h },
          shapes: snapshot.shapes.filter((shape) => shape.id === frame.id || shape.frameId === frame.id),
        }))
      : [{ area: boundsOf(snapshot.shapes, lookup) ?? { minX: 0, minY: 0, maxX: 100, maxY: 100 }, shapes: snapshot.shapes }];
  for (const { area, shapes } of pages) {
    const bounds = { minX: area.minX - padding, minY: area.minY - padding, maxX: area.maxX + padding, maxY: area.maxY + padding };
    const width = Math.max(1, bounds.maxX - bounds.minX);
    const height = Math.max(1, bounds.maxY - bounds.minY);
    const page = pdf.addPage([width, height]);
    if (options.background !== false) page.drawRectangle({ x: 0, y: 0, width, height, color: toRgb(THEMES[theme].background) ?? rgb(1, 1, 1) });
    const toPage = (p: Point): Point => ({ x: p.x - bounds.minX, y: p.y - bounds.minY });
    for (const shape of drawingOrder(shapes)) await drawShape(pdf, page, shape, { snapshot, lookup, theme, fonts, toPage, height, notices, images });
  }
  // Plain cross-reference tables (no object streams): readable by older viewers and by text tools.
  return { bytes: await pdf.save({ useObjectStreams: false }), pages: pages.length, notices: [...notices] };
}

interface DrawContext {
  snapshot: BoardSnapshot;
  lookup: Lookup;
  theme: Theme;
  fonts: { sans: PDFFont; serif: PDFFont; mono: PDFFont };
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
  const dash = dashPattern(shape.strokeStyle, shape.strokeWidth);
  const svgPath = (d: string, style: { color?: Color; borderColor?: Color; borderWidth?: number; opacity?: number; dashed?: boolean }) =>
    page.drawSvgPath(d, {
      x: 0,
      y: ctx.height,
      ...(style.color ? { color: style.color, opacity: style.opacity ?? opacity } : {}),
      ...(style.borderColor ? { borderColor: style.borderColor, borderWidth: style.borderWidth ?? 1, borderOpacity: opacity, borderLineCap: LineCapStyle.Round } : {}),
      ...(style.dashed && dash ? { borderDashArray: dash } : {}),
    });
  switch (shape.type) {
    case 'line':
    case 'arrow': {
      // The course as the canvas draws it (elbow routed around bound shapes, curves as curves), with the
      // canvas's arrowheads at the angles the course arrives at
      const route = arrowRoute(shape, ctx.lookup);
      svgPath(pathToSvg(mapPath(route.path, ctx.toPage)), { borderColor: ink, borderWidth: shape.strokeWidth, dashed: true });
      const pts = route.points;
      if (pts.length >= 4) {
        const heads: Array<[Arrowhead, number, number, number]> = [
          [shape.endArrowhead, pts[pts.length - 2]!, pts[pts.length - 1]!, route.endAngle],
          [shape.startArrowhead, pts[0]!, pts[1]!, route.startAngle],
        ];
        for (const [kind, x, y, angle] of heads) {
          const head = arrowheadGeometry(kind, x, y, angle, shape.strokeWidth);
          if (head) svgPath(pathToSvg(mapPath(head.path, ctx.toPage)), { borderColor: ink, borderWidth: shape.strokeWidth, ...(head.filled ? { color: ink } : {}) });
        }
      }
      if (shape.type === 'arrow' && shape.text) {
        // on the course's middle, turned along the line where it fits its straight run (as on the canvas),
        // over a background-coloured box that cuts the line
        const font = shape.fontFamily === 'serif' ? ctx.fonts.serif : shape.fontFamily === 'mono' ? ctx.fonts.mono : ctx.fonts.sans;
        const measure = (s: string) => {
          try {
            return font.widthOfTextAtSize(s, shape.fontSize);
          } catch {
            return approximateWidth(shape.fontSize)(s);
          }
        };
        const width = arrowLabelWidth(shape.text, shape.fontSize, measure);
        const pad = shape.fontSize * ARROW_LABEL_GAP;
        const place = arrowLabelPlacement(route, width, pad);
        const onLine = (p: Point) => ctx.toPage(rotatePoint({ x: place.x + p.x, y: place.y + p.y }, place, place.angle));
        const hw = width / 2 + pad;
        const hh = (shape.text.split('\n').length * shape.fontSize * LINE_HEIGHT) / 2 + pad;
        const knockout = [{ x: -hw, y: -hh }, { x: hw, y: -hh }, { x: hw, y: hh }, { x: -hw, y: hh }].map(onLine);
        svgPath(knockout.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join('') + 'Z', { color: toRgb(THEMES[ctx.theme].background) ?? rgb(1, 1, 1), opacity: 1 });
        drawText(page, shape, ink, ctx, onLine, place.angle);
      }
      return;
    }
    case 'rectangle':
    case 'ellipse':
    case 'diamond':
      svgPath(pathToSvg(mapPath(localPath(shape)!, world)), { ...(fill ? { color: fill } : {}), ...(shape.strokeWidth > 0 ? { borderColor: ink, borderWidth: shape.strokeWidth, dashed: true } : {}) });
      drawText(page, shape, ink, ctx, world, shape.rotation);
      return;
    case 'frame':
      svgPath(pathToSvg(mapPath(localPath(shape)!, world)), { ...(fill ? { color: fill } : {}), borderColor: rgb(0.68, 0.71, 0.74), borderWidth: 1 });
      if (shape.name) {
        const origin = world({ x: 0, y: -8 });
        page.drawText(encodable(shape.name, ctx.fonts.sans, ctx.notices), { x: origin.x, y: ctx.height - origin.y, size: 14, font: ctx.fonts.sans, color: rgb(0.53, 0.56, 0.59), rotate: degrees((-shape.rotation * 180) / Math.PI) });
      }
      return;
    case 'freehand': {
      const path = localPath(shape);
      if (path) svgPath(pathToSvg(mapPath(path, world)), { color: ink, opacity: opacity * (shape.variant === 'highlighter' ? 0.35 : 1) });
      return;
    }
    case 'sticky':
      svgPath(pathToSvg(mapPath(localPath(shape)!, world)), { color: toRgb(stickyFill(shape.fillColor)) ?? rgb(1, 0.93, 0.6) });
      drawText(page, shape, toRgb(STICKY_TEXT_COLOR)!, ctx, world, shape.rotation);
      return;
    case 'text':
      drawText(page, shape, ink, ctx, world, shape.rotation);
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
        svgPath(pathToSvg(mapPath(localPath(shape)!, world)), { color: rgb(0.945, 0.953, 0.961) });
        return;
      }
      // pdf-lib rotates an image about its lower-left corner, which is the shape's bottom-left on the board.
      const corner = world({ x: 0, y: shape.h });
      page.drawImage(image, { x: corner.x, y: ctx.height - corner.y, width: shape.w, height: shape.h, rotate: degrees((-shape.rotation * 180) / Math.PI), opacity });
      return;
    }
  }
}

/** A shape's text as real PDF text, line by line (`place` maps a point of the shape's frame to the page). */
function drawText(page: PDFPage, shape: TextShapeLike, color: Color, ctx: DrawContext, place: (p: Point) => Point, rotation: number): void {
  if (!shape.text) return;
  const font = shape.fontFamily === 'serif' ? ctx.fonts.serif : shape.fontFamily === 'mono' ? ctx.fonts.mono : ctx.fonts.sans;
  const size = shape.fontSize;
  const measure = (s: string) => {
    try {
      return font.widthOfTextAtSize(s, size);
    } catch {
      return approximateWidth(size)(s);
    }
  };
  for (const line of textLayout(shape, measure)) {
    const text = encodable(line.text, font, ctx.notices);
    if (!text) continue;
    const width = measure(text);
    const x = line.anchor === 'start' ? line.x : line.anchor === 'middle' ? line.x - width / 2 : line.x - width;
    const origin = place({ x, y: line.y });
    page.drawText(text, { x: origin.x, y: ctx.height - origin.y, size, font, color, opacity: shape.opacity, rotate: degrees((-rotation * 180) / Math.PI) });
  }
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
