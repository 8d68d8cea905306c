import { parseDataUrl } from './base64.js';
import { InteropError } from './errors.js';
import { ImportBuilder, type DraftShape, type ImportedBoard, type ImportFormat } from './imported.js';
import { limits } from './limits.js';
import { isRecord, num, str } from './safe-json.js';

type El = Record<string, unknown>;

/** Excalidraw's font families: 1 Virgil and 5 Excalifont are hand-drawn, 3 Cascadia and 8 Comic Shanns mono. */
const HAND_FONTS = new Set([1, 5]);
const MONO_FONTS = new Set([3, 8]);

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
  /** a container and its bound text share a group (labels are separate text shapes on today's board) */
  const containerGroups = new Map<string, string>();
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
  // Sticky notes exported by Meshboard come back as stickies: their bound text is their own text.
  const stickyText = new Map<string, El>();
  for (const el of elements) {
    const container = typeof el.containerId === 'string' ? byId.get(el.containerId) : undefined;
    if (el.type === 'text' && container && meshboardType(container) === 'sticky') stickyText.set(str(container.id), el);
  }
  for (const el of elements) {
    if (el.type === 'text' && typeof el.containerId === 'string' && stickyText.get(el.containerId) === el) continue;
    let groupId = groupOf(el);
    const containerId = typeof el.containerId === 'string' && byId.has(el.containerId) ? el.containerId : null;
    if (el.type === 'text' && containerId) {
      const container = byId.get(containerId)!;
      groupId = groupOf(container) ?? containerGroups.get(containerId) ?? null;
      if (!groupId) {
        groupId = b.newId();
        containerGroups.set(containerId, groupId);
      }
      b.note('Text inside a shape was imported as a text grouped with its shape');
    } else if (!groupId && !stickyText.has(str(el.id)) && Array.isArray(el.boundElements) && el.boundElements.some((bound) => isRecord(bound) && bound.type === 'text' && byId.has(str(bound.id)))) {
      groupId = containerGroups.get(str(el.id)) ?? b.newId();
      containerGroups.set(str(el.id), groupId);
    }
    const id = ids.get(str(el.id)) ?? b.newId();
    await addElement(b, el, { id, groupId, offset, ids, files, stickyText: stickyText.get(str(el.id)) });
  }
}

interface ElementContext {
  id: string;
  groupId: string | null;
  offset: { x: number; y: number };
  ids: Map<string, string>;
  files: Record<string, unknown>;
  stickyText: El | undefined;
}

function meshboardType(el: El): string | null {
  const custom = isRecord(el.customData) && isRecord(el.customData.meshboard) ? el.customData.meshboard : null;
  return custom && typeof custom.type === 'string' ? custom.type : null;
}

function styleOf(b: ImportBuilder, el: El): { strokeColor: string; fillColor: string; strokeWidth: number; opacity: number; rotation: number } {
  const fill = str(el.backgroundColor, 'transparent');
  if (fill !== 'transparent' && ['hachure', 'cross-hatch', 'zigzag', 'zigzag-line', 'dots'].includes(str(el.fillStyle))) b.note(`"${str(el.fillStyle)}" fills were drawn solid`);
  if (el.strokeStyle === 'dashed' || el.strokeStyle === 'dotted') b.note(`${el.strokeStyle === 'dashed' ? 'Dashed' : 'Dotted'} strokes were drawn solid`);
  if (num(el.roughness, 0) > 0 && el.type !== 'text' && el.type !== 'image' && el.type !== 'freedraw') b.note('Hand-drawn (rough) lines were drawn clean');
  if (typeof el.link === 'string' && el.link) b.note('Links on shapes were not kept');
  if (el.locked === true) b.note('Locked elements were imported unlocked');
  return {
    strokeColor: str(el.strokeColor, '#1e1e1e').slice(0, 64),
    fillColor: fill.slice(0, 64),
    strokeWidth: Math.min(Math.max(num(el.strokeWidth, 2), 0), 200),
    opacity: Math.min(Math.max(num(el.opacity, 100) / 100, 0), 1),
    rotation: num(el.angle, 0),
  };
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
    ...styleOf(b, el),
  };
  const box = (kind: 'rectangle' | 'ellipse' | 'diamond'): DraftShape => b.add({ ...base, type: kind });
  switch (type) {
    case 'rectangle':
    case 'ellipse':
    case 'diamond': {
      if (type === 'rectangle' && meshboardType(el) === 'sticky') {
        const text = ctx.stickyText;
        const custom = (el.customData as { meshboard: Record<string, unknown> }).meshboard;
        b.add({ ...base, strokeColor: str(custom.strokeColor, '#1e1e1e').slice(0, 64), type: 'sticky', text: text ? textOf(text) : '', fontSize: text ? fontSizeOf(text) : 20, textAlign: text ? alignOf(text) : 'left' });
        return;
      }
      if (isRecord(el.roundness) && type !== 'ellipse') b.note('Rounded corners were drawn square');
      box(type);
      return;
    }
    case 'text': {
      const family = num(el.fontFamily, 2);
      if (HAND_FONTS.has(family)) b.note('Hand-drawn fonts were shown in the sans font');
      else if (MONO_FONTS.has(family)) b.note('Monospace fonts were shown in the sans font');
      b.add({ ...base, type: 'text', text: textOf(el), fontSize: fontSizeOf(el), textAlign: alignOf(el) });
      return;
    }
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
      if (isRecord(el.roundness) || el.elbowed === true) b.note(el.elbowed === true ? 'Elbow arrows were imported as straight segments through their corners' : 'Curved lines and arrows were drawn as straight segments through their points');
      const geometry = { ...base, x: points.x + ctx.offset.x, y: points.y + ctx.offset.y, w: points.w, h: points.h, points: points.flat };
      if (type === 'arrow') {
        b.add({
          ...geometry,
          type: 'arrow',
          startBinding: bindingOf(b, el.startBinding, ctx.ids),
          endBinding: bindingOf(b, el.endBinding, ctx.ids),
          startArrowhead: arrowheadOf(b, el.startArrowhead),
          endArrowhead: arrowheadOf(b, el.endArrowhead),
        });
      } else {
        if (el.startArrowhead || el.endArrowhead) b.note('Arrowheads on lines were not kept (lines have none)');
        if (base.fillColor !== 'transparent') b.note('Filled polygons were imported as their outline');
        b.add({ ...geometry, type: 'line', fillColor: 'transparent' });
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
    case 'magicframe': {
      b.note('Frames were imported as rectangles (with their name as a text)');
      b.add({ ...base, type: 'rectangle', fillColor: 'transparent', strokeColor: '#adb5bd', strokeWidth: 1 });
      const name = str(el.name) || 'Frame';
      b.add({ x: base.x, y: base.y - 24, w: Math.max(40, name.length * 8), h: 20, type: 'text', text: name.slice(0, 200), fontSize: 14, strokeColor: '#868e96', groupId: ctx.groupId });
      return;
    }
    default:
      b.note(`"${type.slice(0, 40)}" elements were imported as rectangles`);
      box('rectangle');
  }
}

function textOf(el: El): string {
  return str(el.text ?? el.originalText).slice(0, limits.maxTextLength);
}
function fontSizeOf(el: El): number {
  return Math.min(Math.max(num(el.fontSize, 20), 1), 1000);
}
function alignOf(el: El): 'left' | 'center' | 'right' {
  return el.textAlign === 'center' || el.textAlign === 'right' ? el.textAlign : 'left';
}

/** `{ elementId, focus, gap }` (before 2024) or `{ elementId, fixedPoint, mode }`: both bind to `elementId`. */
function bindingOf(b: ImportBuilder, binding: unknown, ids: Map<string, string>): string | null {
  if (!isRecord(binding) || typeof binding.elementId !== 'string') return null;
  if (Array.isArray(binding.fixedPoint)) b.note('Arrow ends fixed to a point on a shape were attached to its outline');
  return ids.get(binding.elementId) ?? null;
}

function arrowheadOf(b: ImportBuilder, head: unknown): 'none' | 'arrow' {
  if (head === null || head === undefined || head === 'none') return 'none';
  if (head !== 'arrow') b.note(`"${String(head).slice(0, 30)}" arrowheads were drawn as plain arrows`);
  return 'arrow';
}
