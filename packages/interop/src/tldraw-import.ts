import { getFloat16 } from '@petamoriken/float16';
import { base64ToBytes, parseDataUrl } from './base64.js';
import { InteropError } from './errors.js';
import { ImportBuilder, type ImportedBoard } from './imported.js';
import { limits } from './limits.js';
import { isRecord, num, str } from './safe-json.js';
import { richTextToPlain } from './tldraw-rich-text.js';
import { colorOf, FONT_SIZES, LABEL_FONT_SIZES, STROKE_WIDTHS, TLDRAW_SEMI_FILL } from './tldraw-styles.js';

type Rec = Record<string, unknown>;
interface Point {
  x: number;
  y: number;
}
/** A 2D affine transform [a, b, c, d, e, f] (x' = a x + c y + e, y' = b x + d y + f). */
type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1], m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3], m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5]];
}
function apply(m: Matrix, p: Point): Point {
  return { x: m[0] * p.x + m[2] * p.y + m[4], y: m[1] * p.x + m[3] * p.y + m[5] };
}
function local(shape: Rec): Matrix {
  const r = num(shape.rotation, 0);
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  return [cos, sin, -sin, cos, num(shape.x, 0), num(shape.y, 0)];
}

/** The newest tldraw file layout this importer reads: file format 1 with schema 2 (migration sequences). */
const FILE_FORMAT_VERSION = 1;
const SCHEMA_VERSION = 2;

/**
 * Reads a .tldr file (tldraw 2 and later: `tldrawFileFormatVersion` 1, schema 2 with record migration
 * sequences): every page's shapes, placed through their parents (groups, frames), with bindings, images from
 * asset records and rich text flattened to plain text. tldraw 1 files, early tldraw 2 files (schema 1) and
 * files newer than this importer get a clear message instead of a guess.
 */
export async function readTldraw(value: unknown): Promise<ImportedBoard> {
  if (!isRecord(value)) throw new InteropError('unsupported_format', 'this is not a tldraw file');
  if (isRecord(value.document) && !('tldrawFileFormatVersion' in value)) {
    throw new InteropError('unsupported_version', 'this .tldr file was saved by tldraw 1; open it in tldraw (which converts tldraw 1 files) and save it again');
  }
  const fileVersion = value.tldrawFileFormatVersion;
  if (typeof fileVersion !== 'number') throw new InteropError('unsupported_format', 'this is not a tldraw file (no tldrawFileFormatVersion)');
  if (fileVersion > FILE_FORMAT_VERSION) throw new InteropError('unsupported_version', `this .tldr file uses file format ${fileVersion}, newer than this importer reads (${FILE_FORMAT_VERSION})`);
  const schema = isRecord(value.schema) ? value.schema : {};
  const schemaVersion = num(schema.schemaVersion, 0);
  if (schemaVersion < SCHEMA_VERSION) {
    throw new InteropError('unsupported_version', `this .tldr file was saved by an early tldraw 2 (schema ${schemaVersion}); open it in a current tldraw and save it again`);
  }
  if (schemaVersion > SCHEMA_VERSION) throw new InteropError('unsupported_version', `this .tldr file uses schema ${schemaVersion}, newer than this importer reads (${SCHEMA_VERSION})`);
  if (!Array.isArray(value.records)) throw new InteropError('malformed', 'the .tldr file has no records');
  if (value.records.length > limits.maxShapes * 2) throw new InteropError('too_many_shapes', `the .tldr file has ${value.records.length.toLocaleString('en')} records`);
  const sequences = isRecord(schema.sequences) ? schema.sequences : {};
  const drawVersion = num(sequences['com.tldraw.shape.draw'], 0);

  const records = value.records.filter(isRecord);
  const shapes = new Map<string, Rec>();
  const assets = new Map<string, Rec>();
  const pages: Rec[] = [];
  const bindings: Rec[] = [];
  for (const record of records) {
    const id = str(record.id);
    if (record.typeName === 'shape' && id) shapes.set(id, record);
    else if (record.typeName === 'asset' && id) assets.set(id, record);
    else if (record.typeName === 'page') pages.push(record);
    else if (record.typeName === 'binding') bindings.push(record);
  }
  pages.sort((a, b) => (str(a.index) < str(b.index) ? -1 : str(a.index) > str(b.index) ? 1 : 0));
  const children = new Map<string, Rec[]>();
  for (const shape of shapes.values()) {
    const parent = str(shape.parentId);
    const list = children.get(parent) ?? [];
    list.push(shape);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => (str(a.index) < str(b.index) ? -1 : str(a.index) > str(b.index) ? 1 : 0));

  const b = new ImportBuilder();
  const ids = new Map<string, string>();
  for (const id of shapes.keys()) ids.set(id, b.newId());
  const arrowEnds = new Map<string, { start?: string; end?: string }>();
  for (const binding of bindings) {
    if (binding.type !== 'arrow' || !isRecord(binding.props)) continue;
    const ends = arrowEnds.get(str(binding.fromId)) ?? {};
    if (binding.props.terminal === 'start') ends.start = str(binding.toId);
    if (binding.props.terminal === 'end') ends.end = str(binding.toId);
    arrowEnds.set(str(binding.fromId), ends);
  }
  const ctx: Ctx = { b, ids, assets, arrowEnds, drawVersion, groupIds: new Map(), pendingImages: [], frameId: null };
  // Pages side by side would overlap: each next page goes below the previous one's content.
  let pageOffsetY = 0;
  pages.forEach((page, pageIndex) => {
    if (pageIndex > 0) b.note('Other pages were placed below the first page');
    const before = b.drafts.length;
    for (const shape of children.get(str(page.id)) ?? []) visitShape(ctx, shape, [1, 0, 0, 1, 0, pageOffsetY], null, children, 0);
    const added = b.drafts.slice(before);
    if (added.length > 0) {
      const bottom = Math.max(...added.map((d) => num(d.y, 0) + num(d.h, 0)));
      pageOffsetY = Math.max(pageOffsetY, bottom + 200);
    }
  });
  const orphans = [...shapes.values()].filter((shape) => !shapes.has(str(shape.parentId)) && !pages.some((page) => page.id === shape.parentId));
  if (orphans.length > 0) b.note(`${orphans.length} ${orphans.length === 1 ? 'shape whose page is' : 'shapes whose page is'} missing could not be imported`);
  await Promise.all(ctx.pendingImages);
  const documentRecord = records.find((record) => record.typeName === 'document');
  return b.finish('tldraw', documentRecord ? str(documentRecord.name) : '');
}

interface Ctx {
  b: ImportBuilder;
  ids: Map<string, string>;
  assets: Map<string, Rec>;
  arrowEnds: Map<string, { start?: string; end?: string }>;
  drawVersion: number;
  groupIds: Map<string, string>;
  /** the frame the shapes being visited sit in (Meshboard id), or null */
  frameId: string | null;
  /** image checks are asynchronous (hashing): their shapes are settled before `finish` */
  pendingImages: Array<Promise<void>>;
}

function visitShape(ctx: Ctx, shape: Rec, parent: Matrix, groupId: string | null, children: Map<string, Rec[]>, depth: number): void {
  if (depth > 64) return;
  const matrix = multiply(parent, local(shape));
  const type = str(shape.type);
  const id = str(shape.id);
  if (type === 'group') {
    // Meshboard groups are flat: nested groups join their outermost group.
    if (groupId) ctx.b.note('Nested groups were flattened to their outermost group');
    const group = groupId ?? ctx.b.newId();
    for (const child of children.get(id) ?? []) visitShape(ctx, child, matrix, group, children, depth + 1);
    return;
  }
  addShape(ctx, shape, matrix, groupId);
  const inner = type === 'frame' ? { ...ctx, frameId: ctx.ids.get(id) ?? null } : ctx;
  for (const child of children.get(id) ?? []) visitShape(inner, child, matrix, type === 'frame' ? null : groupId, children, depth + 1);
}

/** x/y/rotation of a box of size w x h whose own frame is `matrix` (Meshboard rotates about the centre). */
function placeBox(matrix: Matrix, w: number, h: number): { x: number; y: number; rotation: number } {
  const center = apply(matrix, { x: w / 2, y: h / 2 });
  return { x: center.x - w / 2, y: center.y - h / 2, rotation: Math.atan2(matrix[1], matrix[0]) };
}

function textFromProps(ctx: Ctx, props: Rec): string {
  if (props.richText !== undefined) {
    const plain = richTextToPlain(props.richText, limits.maxTextLength);
    if (plain.formatted) ctx.b.note('Rich text formatting (bold, links, lists...) was kept as plain text');
    return plain.text;
  }
  return str(props.text).slice(0, limits.maxTextLength);
}

function addShape(ctx: Ctx, shape: Rec, matrix: Matrix, groupId: string | null): void {
  const { b } = ctx;
  const props = isRecord(shape.props) ? shape.props : {};
  const type = str(shape.type);
  const id = ctx.ids.get(str(shape.id))!;
  const scale = num(props.scale, 1) || 1;
  const color = colorOf(props.color);
  const size = str(props.size, 'm');
  const strokeWidth = (STROKE_WIDTHS[size] ?? 3.5) * scale;
  const opacity = Math.min(Math.max(num(shape.opacity, 1), 0), 1);
  const dash = str(props.dash);
  // tldraw's "draw" dash is its hand-drawn look: Meshboard's roughness 1.
  const strokeStyle = dash === 'dashed' || dash === 'dotted' ? dash : 'solid';
  const roughness = dash === 'draw' ? 1 : 0;
  const fillOf = (): string => {
    switch (props.fill) {
      case 'semi':
        return TLDRAW_SEMI_FILL;
      case 'solid':
        return color.semi;
      case 'fill':
        return color.solid;
      case 'pattern':
      case 'lined-fill':
        b.note('Pattern fills were drawn solid');
        return color.semi;
      default:
        return 'transparent';
    }
  };
  const common = { id, groupId, opacity, strokeColor: color.solid, strokeWidth, strokeStyle, roughness, locked: shape.isLocked === true, frameId: ctx.frameId };
  const font = FONTS[str(props.font, 'draw')] ?? 'sans';
  const labelFields = () => ({
    text: textFromProps(ctx, props),
    fontSize: (LABEL_FONT_SIZES[size] ?? 22) * scale,
    fontFamily: font,
    textAlign: props.align === 'start' || props.align === 'start-legacy' ? ('left' as const) : props.align === 'end' || props.align === 'end-legacy' ? ('right' as const) : ('center' as const),
    verticalAlign: props.verticalAlign === 'start' ? ('top' as const) : props.verticalAlign === 'end' ? ('bottom' as const) : ('middle' as const),
  });
  if (props.labelColor !== undefined && props.labelColor !== props.color && textFromProps(ctx, props).trim()) b.note('Labels coloured differently from their shape took the shape’s colour');
  switch (type) {
    case 'geo': {
      const w = num(props.w, 100);
      const h = num(props.h, 100) + num(props.growY, 0);
      const placement = placeBox(matrix, w, h);
      const geo = str(props.geo, 'rectangle');
      let kind: 'rectangle' | 'ellipse' | 'diamond' = 'rectangle';
      if (geo === 'ellipse' || geo === 'oval') kind = 'ellipse';
      else if (geo === 'diamond' || geo === 'rhombus') kind = geo === 'diamond' ? 'diamond' : 'rectangle';
      if (!['rectangle', 'ellipse', 'diamond', 'oval', 'check-box', 'x-box'].includes(geo)) b.note(`"${geo.slice(0, 30)}" shapes were imported as rectangles`);
      if (geo === 'oval') b.note('Ovals were imported as ellipses');
      b.add({ ...common, type: kind, ...placement, w, h, fillColor: fillOf(), ...labelFields() });
      return;
    }
    case 'note': {
      const w = 200 * scale;
      const h = 200 * scale + num(props.growY, 0);
      const placement = placeBox(matrix, w, h);
      b.add({ ...common, type: 'sticky', ...placement, w, h, fillColor: color.note, strokeColor: '#1e1e1e', strokeWidth: 2, strokeStyle: 'solid', roughness: 0, ...labelFields() });
      return;
    }
    case 'text': {
      const text = textFromProps(ctx, props);
      const fontSize = (FONT_SIZES[size] ?? 24) * scale;
      const lines = text.split('\n');
      const w = Math.max(num(props.w, 0), Math.max(...lines.map((line) => line.length * fontSize * 0.55)), 8);
      const h = lines.length * fontSize * 1.25;
      const placement = placeBox(matrix, w, h);
      b.add({ ...common, type: 'text', ...placement, w, h, text, fontSize, fontFamily: font, verticalAlign: 'top', textAlign: props.textAlign === 'middle' ? 'center' : props.textAlign === 'end' ? 'right' : 'left', strokeWidth: 2 });
      return;
    }
    case 'draw':
    case 'highlight': {
      const sx = num(props.scaleX, 1) || 1;
      const sy = num(props.scaleY, 1) || 1;
      const world: number[] = [];
      for (const segment of Array.isArray(props.segments) ? props.segments : []) {
        for (const p of segmentPoints(ctx, segment)) {
          if (world.length / 3 >= limits.maxPoints) break;
          const q = apply(matrix, { x: p.x * sx, y: p.y * sy });
          world.push(q.x, q.y, props.isPen === true ? Math.min(Math.max(p.z, 0), 1) : 0.5);
        }
      }
      if (world.length < 3) {
        b.note('A drawing without points could not be imported');
        return;
      }
      if (props.isClosed === true && props.fill !== 'none' && props.fill !== undefined) b.note('Filled closed drawings were imported as their stroke');
      addPointShape(b, { ...common, roughness: 0, strokeStyle: 'solid', type: 'freehand', variant: type === 'highlight' ? 'highlighter' : 'pen', strokeWidth: type === 'highlight' ? strokeWidth / 2 : strokeWidth / 1.75 }, world, 3);
      return;
    }
    case 'line': {
      const handles = linePoints(props.points);
      if (handles.length < 2) {
        b.note('A line without points could not be imported');
        return;
      }
      if (props.spline === 'cubic') b.note('Curved lines were drawn as straight segments through their points');
      addPointShape(b, { ...common, type: 'line', startArrowhead: 'none', endArrowhead: 'none' }, handles.flatMap((p) => { const q = apply(matrix, p); return [q.x, q.y]; }), 2);
      return;
    }
    case 'arrow': {
      const ends = ctx.arrowEnds.get(str(shape.id)) ?? {};
      const start = terminal(props.start);
      const end = terminal(props.end);
      // Before binding records (2024), an arrow end held its binding itself.
      const startTarget = ends.start ?? start.boundShapeId;
      const endTarget = ends.end ?? end.boundShapeId;
      const p0 = apply(matrix, start.point);
      const p1 = apply(matrix, end.point);
      const bend = num(props.bend, 0);
      const world = [p0.x, p0.y];
      let arrowType: 'straight' | 'curved' | 'elbow' = props.kind === 'elbow' ? 'elbow' : 'straight';
      if (bend !== 0 && props.kind !== 'elbow') {
        // tldraw's arc passes through the chord's midpoint pushed `bend` along the chord's normal.
        const dx = p1.x - p0.x;
        const dy = p1.y - p0.y;
        const length = Math.hypot(dx, dy) || 1;
        world.push((p0.x + p1.x) / 2 + (dy / length) * bend, (p0.y + p1.y) / 2 - (dx / length) * bend);
        arrowType = 'curved';
      }
      world.push(p1.x, p1.y);
      addPointShape(b, {
        ...common,
        ...labelFields(),
        textAlign: 'center',
        type: 'arrow',
        arrowType,
        startBinding: startTarget ? (ctx.ids.get(startTarget) ?? null) : null,
        endBinding: endTarget ? (ctx.ids.get(endTarget) ?? null) : null,
        startArrowhead: arrowheadOf(b, props.arrowheadStart ?? 'none'),
        endArrowhead: arrowheadOf(b, props.arrowheadEnd ?? 'arrow'),
      }, world, 2);
      return;
    }
    case 'image': {
      const w = num(props.w, 100);
      const h = num(props.h, 100);
      const placement = placeBox(matrix, w, h);
      const asset = ctx.assets.get(str(props.assetId));
      const assetProps = asset && isRecord(asset.props) ? asset.props : {};
      const data = typeof assetProps.src === 'string' ? parseDataUrl(assetProps.src) : null;
      if (!data) {
        b.note(asset ? 'Images stored outside the file (by URL) were replaced by placeholders' : 'An image whose asset is missing was replaced by a placeholder');
        b.add({ ...common, type: 'rectangle', ...placement, w, h, fillColor: '#f1f3f5', strokeWidth: 0 });
        return;
      }
      if (props.flipX === true || props.flipY === true) b.note('Flipped images were imported unflipped');
      if (isRecord(props.crop)) b.note('Cropped images were imported uncropped');
      const pending = ctx.b.addImage(data.bytes, str(assetProps.mimeType) || data.mimeType, 'An image');
      const draft = b.add({ ...common, type: 'rectangle', ...placement, w, h, fillColor: '#f1f3f5', strokeWidth: 0 });
      ctx.pendingImages.push(pending.then((assetId) => {
        if (assetId) Object.assign(draft, { type: 'image', assetId, fillColor: 'transparent' });
      }));
      return;
    }
    case 'frame': {
      const w = num(props.w, 100);
      const h = num(props.h, 100);
      b.add({ ...common, type: 'frame', ...placeBox(matrix, w, h), w, h, name: str(props.name).slice(0, 200), fillColor: 'transparent', frameId: null, roughness: 0 });
      return;
    }
    default: {
      const w = num(props.w, 100);
      const h = num(props.h, 100);
      b.note(`"${type.slice(0, 30)}" shapes were imported as rectangles`);
      b.add({ ...common, type: 'rectangle', ...placeBox(matrix, w, h), w, h, fillColor: 'transparent' });
    }
  }
}

/** tldraw fonts: "draw" is its hand-drawn font. */
const FONTS: Record<string, 'hand' | 'sans' | 'serif' | 'mono'> = { draw: 'hand', sans: 'sans', serif: 'serif', mono: 'mono' };

const ARROWHEADS: Record<string, 'none' | 'arrow' | 'triangle' | 'bar' | 'dot'> = { none: 'none', arrow: 'arrow', triangle: 'triangle', bar: 'bar', pipe: 'bar', dot: 'dot' };

function arrowheadOf(b: ImportBuilder, value: unknown): 'none' | 'arrow' | 'triangle' | 'bar' | 'dot' {
  const mapped = typeof value === 'string' ? ARROWHEADS[value] : undefined;
  if (mapped) return mapped;
  b.note(`"${String(value).slice(0, 30)}" arrowheads were drawn as the closest kind (triangle)`);
  return 'triangle';
}

/** Adds a point shape from world points (stride 2 or 3), with its origin at the points' bounds. */
function addPointShape(b: ImportBuilder, fields: Rec & { type: 'freehand' | 'line' | 'arrow' }, world: number[], stride: 2 | 3): Rec | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < world.length; i += stride) {
    minX = Math.min(minX, world[i]!);
    minY = Math.min(minY, world[i + 1]!);
    maxX = Math.max(maxX, world[i]!);
    maxY = Math.max(maxY, world[i + 1]!);
  }
  if (!Number.isFinite(minX)) return null;
  const points = world.map((value, i) => (i % stride === 0 ? value - minX : i % stride === 1 ? value - minY : value));
  return b.add({ ...fields, x: minX, y: minY, w: maxX - minX, h: maxY - minY, rotation: 0, fillColor: 'transparent', points });
}

/** A draw segment's points: an array of {x, y, z} (draw v2 and before) or base64 Float16 triples (v3 absolute, later `path` delta). */
function segmentPoints(ctx: Ctx, segment: unknown): Array<{ x: number; y: number; z: number }> {
  if (!isRecord(segment)) return [];
  if (Array.isArray(segment.points)) return segment.points.filter(isRecord).map((p) => ({ x: num(p.x, 0), y: num(p.y, 0), z: num(p.z, 0.5) }));
  const encoded = typeof segment.path === 'string' ? segment.path : typeof segment.points === 'string' ? segment.points : null;
  if (!encoded) return [];
  const bytes = base64ToBytes(encoded.slice(0, limits.maxPoints * 8));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<{ x: number; y: number; z: number }> = [];
  const delta = typeof segment.path === 'string' || ctx.drawVersion >= 4;
  for (let offset = 0; offset + 6 <= bytes.byteLength; offset += 6) {
    const x = getFloat16(view, offset, true);
    const y = getFloat16(view, offset + 2, true);
    const z = getFloat16(view, offset + 4, true);
    const previous = out.at(-1);
    out.push(delta && previous ? { x: previous.x + x, y: previous.y + y, z } : { x, y, z });
  }
  return out.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

/** A line's handles: `{ [id]: { index, x, y } }` (current) or an array of them, in index order. */
function linePoints(points: unknown): Point[] {
  const list = Array.isArray(points) ? points : isRecord(points) ? Object.values(points) : [];
  return list
    .filter(isRecord)
    .sort((a, b) => (str(a.index) < str(b.index) ? -1 : str(a.index) > str(b.index) ? 1 : 0))
    .slice(0, limits.maxPoints)
    .map((p) => ({ x: num(p.x, 0), y: num(p.y, 0) }));
}

/** An arrow end: `{ x, y }` (with binding records) or the older `{ type: 'point' | 'binding', ... }`. */
function terminal(value: unknown): { point: Point; boundShapeId?: string } {
  if (!isRecord(value)) return { point: { x: 0, y: 0 } };
  return { point: { x: num(value.x, 0), y: num(value.y, 0) }, ...(value.type === 'binding' && typeof value.boundShapeId === 'string' ? { boundShapeId: value.boundShapeId } : {}) };
}
