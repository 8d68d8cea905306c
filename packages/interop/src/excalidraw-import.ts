import { parseDataUrl } from './base64.js';
import { InteropError } from './errors.js';
import { ImportBuilder, type ImportedBoard, type ImportFormat } from './imported.js';
import { limits } from './limits.js';
import { isRecord, num, str } from './safe-json.js';

type El = Record<string, unknown>;

/**
 * Reads Excalidraw JSON: a scene (`type: "excalidraw"`), a library (`"excalidrawlib"`, version 1 `library` or
 * version 2 `libraryItems`) or clipboard content (`"excalidraw/clipboard"`). Every element becomes the
 * closest Meshboard shape; what that loses is listed in the notices.
 */
export async function readExcalidraw(value: unknown): Promise<ImportedBoard> {
  if (!isRecord(value)) throw new InteropError('unsupported_format', 'this is not an Excalidraw file');
  const b = new ImportBuilder();
  const files = isRecord(value.files) ? value.files : {};
  let format: ImportFormat;
  if (value.type === 'excalidraw' || value.type === 'excalidraw/clipboard') {
    format = value.type === 'excalidraw' ? 'excalidraw' : 'excalidraw-clipboard';
    if (!Array.isArray(value.elements)) throw new InteropError('malformed', 'the Excalidraw file has no elements list');
    if (typeof value.version === 'number' && value.version > 2) b.note(`The file is Excalidraw format version ${value.version} (this importer knows version 2); it was read as version 2`);
    await addElements(b, value.elements, files, { x: 0, y: 0 }, false);
  } else if (value.type === 'excalidrawlib') {
    format = 'excalidrawlib';
    const items: unknown[][] = [];
    if (Array.isArray(value.libraryItems)) {
      for (const item of value.libraryItems) if (isRecord(item) && Array.isArray(item.elements)) items.push(item.elements);
    } else if (Array.isArray(value.library)) {
      for (const item of value.library) if (Array.isArray(item)) items.push(item);
    } else throw new InteropError('malformed', 'the Excalidraw library has neither `libraryItems` (version 2) nor `library` (version 1)');
    // Library items are laid out in a row, each kept together as a group.
    let x = 0;
    for (const elements of items) {
      const live = elements.filter((el): el is El => isRecord(el) && el.isDeleted !== true);
      if (live.length === 0) continue;
      const minX = Math.min(...live.map((el) => num(el.x, 0)));
      const minY = Math.min(...live.map((el) => num(el.y, 0)));
      const maxX = Math.max(...live.map((el) => num(el.x, 0) + Math.abs(num(el.width, 0))));
      await addElements(b, live, files, { x: x - minX, y: -minY }, true);
      x += maxX - minX + 40;
    }
  } else {
    throw new InteropError('unsupported_format', `this JSON is not an Excalidraw scene or library (type ${JSON.stringify(value.type ?? null)})`);
  }
  const title = typeof value.name === 'string' ? value.name : '';
  return b.finish(format, title);
}

/**
 * Adds a list of Excalidraw elements at `offset`. With `groupTogether`, everything added shares one group
 * (a library item) unless it already has its own.
 */
async function addElements(b: ImportBuilder, raw: unknown[], files: Record<string, unknown>, offset: { x: number; y: number }, groupTogether: boolean): Promise<void> {
  if (raw.length > limits.maxShapes) throw new InteropError('too_many_shapes', `the file has ${raw.length.toLocaleString('en')} elements (at most ${limits.maxShapes.toLocaleString('en')})`);
  const elements = raw.filter((el): el is El => isRecord(el) && el.isDeleted !== true && typeof el.type === 'string');
  const skipped = raw.length - elements.length - raw.filter((el) => isRecord(el) && el.isDeleted === true).length;
  if (skipped > 0) b.note(`${skipped} ${skipped === 1 ? 'entry was' : 'entries were'} not Excalidraw elements and could not be imported`);
  const ids = new Map<string, string>();
  const byId = new Map<string, El>();
  for (const el of elements) {
    const id = str(el.id);
    if (id && !ids.has(id)) {
      ids.set(id, b.newId());
      byId.set(id, el);
    }
  }
  const groups = new Map<string, string>();
  const libraryGroup = groupTogether ? b.newId() : null;
  const groupOf = (el: El): string | null => {
    const groupIds = Array.isArray(el.groupIds) ? el.groupIds.filter((g): g is string => typeof g === 'string') : [];
    if (groupIds.length > 1) b.note('Nested groups were flattened to their outermost group');
    const outer = groupIds.at(-1);
    if (outer) {
      if (!groups.has(outer)) groups.set(outer, b.newId());
      return groups.get(outer)!;
    }
    return libraryGroup;
  };
  // Text bound to a box or an arrow becomes that shape's label (the container's own text fields).
  const labels = new Map<string, El>();
  for (const el of elements) {
    if (el.type !== 'text' || typeof el.containerId !== 'string') continue;
    const container = byId.get(el.containerId);
    if (container && LABELLED.has(str(container.type)) && !labels.has(el.containerId)) labels.set(el.containerId, el);
  }
  const labelTexts = new Set(labels.values());
  for (const el of elements) {
    if (labelTexts.has(el)) continue;
    const id = ids.get(str(el.id)) ?? b.newId();
    const frameId = typeof el.frameId === 'string' && byId.get(el.frameId)?.type !== undefined && isFrame(byId.get(el.frameId)!) ? (ids.get(el.frameId) ?? null) : null;
    await addElement(b, el, { id, groupId: groupOf(el), frameId, offset, ids, files, label: labels.get(str(el.id)) });
  }
}

/** Elements whose bound text becomes their label. */
const LABELLED = new Set(['rectangle', 'ellipse', 'diamond', 'arrow']);

function isFrame(el: El): boolean {
  return el.type === 'frame' || el.type === 'magicframe';
}

interface ElementContext {
  id: string;
  groupId: string | null;
  frameId: string | null;
  offset: { x: number; y: number };
  ids: Map<string, string>;
  files: Record<string, unknown>;
  /** the bound text of this container, if any */
  label: El | undefined;
}

function meshboardData(el: El): Record<string, unknown> | null {
  return isRecord(el.customData) && isRecord(el.customData.meshboard) ? el.customData.meshboard : null;
}

function meshboardType(el: El): string | null {
  const custom = meshboardData(el);
  return custom && typeof custom.type === 'string' ? custom.type : null;
}

function styleOf(b: ImportBuilder, el: El) {
  const fill = str(el.backgroundColor, 'transparent');
  if (fill !== 'transparent' && ['hachure', 'cross-hatch', 'zigzag', 'zigzag-line', 'dots'].includes(str(el.fillStyle))) b.note(`"${str(el.fillStyle)}" fills were drawn solid`);
  if (typeof el.link === 'string' && el.link) b.note('Links on shapes were not kept');
  const roughness = num(el.roughness, 0);
  return {
    strokeColor: str(el.strokeColor, '#1e1e1e').slice(0, 64),
    fillColor: fill.slice(0, 64),
    strokeWidth: Math.min(Math.max(num(el.strokeWidth, 2), 0), 200),
    opacity: Math.min(Math.max(num(el.opacity, 100) / 100, 0), 1),
    rotation: num(el.angle, 0),
    strokeStyle: el.strokeStyle === 'dashed' || el.strokeStyle === 'dotted' ? el.strokeStyle : ('solid' as const),
    roughness: (roughness >= 2 ? 2 : roughness >= 1 ? 1 : 0) as 0 | 1 | 2,
    seed: Math.abs(Math.trunc(num(el.seed, 0))) % 2 ** 31,
    locked: el.locked === true,
  };
}

/** Excalidraw's font families: 1 Virgil / 5 Excalifont hand-drawn, 3 Cascadia / 8 Comic Shanns mono, 2 Helvetica / 6 Nunito sans. */
function fontFamilyOf(b: ImportBuilder, el: El): 'hand' | 'sans' | 'serif' | 'mono' {
  const custom = meshboardData(el);
  if (custom && (custom.fontFamily === 'serif' || custom.fontFamily === 'sans' || custom.fontFamily === 'hand' || custom.fontFamily === 'mono')) return custom.fontFamily;
  const family = num(el.fontFamily, 2);
  if (family === 1 || family === 5) return 'hand';
  if (family === 3 || family === 8) return 'mono';
  if (family !== 2 && family !== 6) b.note('Fonts Meshboard does not have were shown in the sans font');
  return 'sans';
}

/** The text fields of a text element (its own, or as the label of its container). */
function textFieldsOf(b: ImportBuilder, el: El) {
  return {
    text: str(el.text ?? el.originalText).slice(0, limits.maxTextLength),
    fontSize: Math.min(Math.max(num(el.fontSize, 20), 1), 1000),
    textAlign: el.textAlign === 'center' || el.textAlign === 'right' ? el.textAlign : ('left' as const),
    fontFamily: fontFamilyOf(b, el),
    verticalAlign: el.verticalAlign === 'top' || el.verticalAlign === 'bottom' ? el.verticalAlign : ('middle' as const),
  };
}

/** Excalidraw's rounded corners: type 3 ("adaptive") is 32 px or 25% of the shorter side when smaller; legacy types are 25%. */
function cornerRadiusOf(el: El, w: number, h: number): number {
  if (!isRecord(el.roundness)) return 0;
  const shorter = Math.min(w, h);
  if (el.roundness.type === 3) return typeof el.roundness.value === 'number' ? Math.min(el.roundness.value, shorter / 2) : Math.min(32, shorter * 0.25);
  return shorter * 0.25;
}

/** Points relative to the element, moved so their bounds start at 0 (Meshboard's origin is the bounds' corner). */
function normalisePoints(el: El, pressures: number[] | null): { x: number; y: number; w: number; h: number; flat: number[] } | null {
  const raw = Array.isArray(el.points) ? el.points : [];
  const pts = raw.filter((p): p is number[] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (pts.length === 0) return null;
  const step = Math.ceil(pts.length / limits.maxPoints);
  const kept = step > 1 ? pts.filter((_, i) => i % step === 0 || i === pts.length - 1) : pts;
  const minX = Math.min(...kept.map((p) => p[0]!));
  const minY = Math.min(...kept.map((p) => p[1]!));
  const maxX = Math.max(...kept.map((p) => p[0]!));
  const maxY = Math.max(...kept.map((p) => p[1]!));
  const flat: number[] = [];
  kept.forEach((p, i) => {
    flat.push(p[0]! - minX, p[1]! - minY);
    if (pressures) flat.push(Math.min(Math.max(pressures[step > 1 ? Math.min(i * step, pts.length - 1) : i] ?? 0.5, 0), 1));
  });
  return { x: num(el.x, 0) + minX, y: num(el.y, 0) + minY, w: maxX - minX, h: maxY - minY, flat };
}

async function addElement(b: ImportBuilder, el: El, ctx: ElementContext): Promise<void> {
  const type = str(el.type);
  const base = {
    id: ctx.id,
    x: num(el.x, 0) + ctx.offset.x,
    y: num(el.y, 0) + ctx.offset.y,
    w: Math.abs(num(el.width, 0)),
    h: Math.abs(num(el.height, 0)),
    groupId: ctx.groupId,
    frameId: ctx.frameId,
    ...styleOf(b, el),
  };
  const label = ctx.label ? textFieldsOf(b, ctx.label) : {};
  if (ctx.label && str(ctx.label.strokeColor, base.strokeColor) !== base.strokeColor && meshboardType(el) !== 'sticky') {
    b.note('Labels coloured differently from their shape took the shape’s colour');
  }
  switch (type) {
    case 'rectangle':
    case 'ellipse':
    case 'diamond': {
      const custom = meshboardData(el);
      if (type === 'rectangle' && custom?.type === 'sticky') {
        b.add({ ...base, ...label, strokeColor: str(custom.strokeColor, '#1e1e1e').slice(0, 64), type: 'sticky' });
        return;
      }
      b.add({ ...base, ...label, type, cornerRadius: type === 'ellipse' ? 0 : cornerRadiusOf(el, base.w, base.h) });
      return;
    }
    case 'text':
      b.add({ ...base, type: 'text', ...textFieldsOf(b, el) });
      return;
    case 'line':
    case 'arrow':
    case 'draw': {
      const points = normalisePoints(el, null);
      if (!points) {
        b.note(`A ${type} without points could not be imported`);
        return;
      }
      if (points.flat.length < 4) points.flat.push(points.flat[0]!, points.flat[1]!);
      if (type === 'draw') b.note('Legacy "draw" elements were imported as lines');
      const geometry = { ...base, x: points.x + ctx.offset.x, y: points.y + ctx.offset.y, w: points.w, h: points.h, points: points.flat };
      const heads = { startArrowhead: arrowheadOf(b, el.startArrowhead), endArrowhead: arrowheadOf(b, el.endArrowhead) };
      if (type === 'arrow') {
        b.add({
          ...geometry,
          ...label,
          type: 'arrow',
          startBinding: bindingOf(b, el.startBinding, ctx.ids),
          endBinding: bindingOf(b, el.endBinding, ctx.ids),
          ...heads,
          arrowType: el.elbowed === true ? 'elbow' : isRecord(el.roundness) ? 'curved' : 'straight',
        });
      } else {
        if (isRecord(el.roundness)) b.note('Curved lines were drawn as straight segments through their points');
        if (base.fillColor !== 'transparent') b.note('Filled polygons were imported as their outline');
        b.add({ ...geometry, type: 'line', fillColor: 'transparent', ...heads });
      }
      return;
    }
    case 'freedraw': {
      const pressures = el.simulatePressure === true || !Array.isArray(el.pressures) ? [] : el.pressures.map((p) => num(p, 0.5));
      const points = normalisePoints(el, pressures);
      if (!points) {
        b.note('A freehand stroke without points could not be imported');
        return;
      }
      if ((Array.isArray(el.points) ? el.points.length : 0) > limits.maxPoints) b.note(`Strokes over ${limits.maxPoints.toLocaleString('en')} points were simplified`);
      const highlighter = meshboardType(el) === 'highlighter';
      b.add({ ...base, x: points.x + ctx.offset.x, y: points.y + ctx.offset.y, w: points.w, h: points.h, type: 'freehand', points: points.flat, variant: highlighter ? 'highlighter' : 'pen', fillColor: 'transparent' });
      return;
    }
    case 'image': {
      const file = typeof el.fileId === 'string' && isRecord(ctx.files[el.fileId]) ? (ctx.files[el.fileId] as El) : null;
      const data = file && typeof file.dataURL === 'string' ? parseDataUrl(file.dataURL) : null;
      const assetId = data ? await b.addImage(data.bytes, str(file?.mimeType) || data.mimeType, 'An image') : null;
      if (!file || !data) b.note('An image whose file is not in the scene was replaced by a placeholder');
      if (Array.isArray(el.scale) && (el.scale[0] === -1 || el.scale[1] === -1)) b.note('Flipped images were imported unflipped');
      if (isRecord(el.crop)) b.note('Cropped images were imported uncropped');
      if (assetId) b.add({ ...base, type: 'image', assetId, fillColor: 'transparent' });
      else b.add({ ...base, type: 'rectangle', fillColor: '#f1f3f5' });
      return;
    }
    case 'frame':
    case 'magicframe':
      if (type === 'magicframe') b.note('AI frames were imported as plain frames');
      b.add({ ...base, type: 'frame', name: str(el.name).slice(0, 200), frameId: null });
      return;
    default:
      b.note(`"${type.slice(0, 40)}" elements were imported as rectangles`);
      b.add({ ...base, ...label, type: 'rectangle' });
  }
}

/** `{ elementId, focus, gap }` (before 2024) or `{ elementId, fixedPoint, mode }`: both bind to `elementId`. */
function bindingOf(b: ImportBuilder, binding: unknown, ids: Map<string, string>): string | null {
  if (!isRecord(binding) || typeof binding.elementId !== 'string') return null;
  if (Array.isArray(binding.fixedPoint)) b.note('Arrow ends fixed to a point on a shape were attached to its outline');
  return ids.get(binding.elementId) ?? null;
}

const ARROWHEAD_MAP: Record<string, 'arrow' | 'triangle' | 'bar' | 'dot'> = {
  arrow: 'arrow',
  triangle: 'triangle',
  triangle_outline: 'triangle',
  bar: 'bar',
  dot: 'dot',
  circle: 'dot',
  circle_outline: 'dot',
};

function arrowheadOf(b: ImportBuilder, head: unknown): 'none' | 'arrow' | 'triangle' | 'bar' | 'dot' {
  if (head === null || head === undefined || head === 'none') return 'none';
  const mapped = typeof head === 'string' ? ARROWHEAD_MAP[head] : undefined;
  if (mapped) {
    if (typeof head === 'string' && head.endsWith('_outline')) b.note('Outlined arrowheads were drawn filled');
    return mapped;
  }
  b.note(`"${String(head).slice(0, 30)}" arrowheads were drawn as plain arrows`);
  return 'arrow';
}
