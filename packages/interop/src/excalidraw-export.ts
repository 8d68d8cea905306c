import type { Shape } from '@meshboard/board';
import { toDataUrl } from './base64.js';
import { stickyFill } from './outline.js';
import type { BoardSnapshot } from './snapshot.js';

type El = Record<string, unknown>;

/** A stable 31-bit number from a string (Excalidraw wants integer seeds and nonces). */
function hash(value: string): number {
  let h = 2166136261;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 16777619);
  return (h >>> 0) % 2 ** 31;
}

/**
 * The snapshot as an .excalidraw scene (format version 2) that Excalidraw opens: each shape as the matching
 * element, arrows bound to their shapes (`focus/gap`, with `boundElements` on both sides), images in `files`.
 * Stickies and highlighter strokes carry `customData.meshboard` so they come back as themselves here, and show
 * as a filled rectangle with text / a stroke in Excalidraw.
 */
export function exportExcalidraw(snapshot: BoardSnapshot, now = Date.now()): string {
  const elements: El[] = [];
  const files: Record<string, El> = {};
  const bound = new Map<string, Array<{ type: string; id: string }>>();
  const bindTo = (target: string, entry: { type: string; id: string }) => {
    const list = bound.get(target) ?? [];
    list.push(entry);
    bound.set(target, list);
  };
  const common = (shape: Shape, type: string): El => ({
    id: shape.id,
    type,
    x: shape.x,
    y: shape.y,
    width: shape.w,
    height: shape.h,
    angle: shape.rotation,
    strokeColor: shape.strokeColor,
    backgroundColor: shape.fillColor,
    fillStyle: 'solid',
    strokeWidth: shape.strokeWidth,
    strokeStyle: shape.strokeStyle,
    roughness: shape.roughness,
    opacity: Math.round(shape.opacity * 100),
    groupIds: shape.groupId ? [shape.groupId] : [],
    frameId: shape.frameId,
    roundness: null,
    seed: shape.seed || hash(shape.id),
    version: 1,
    versionNonce: hash(`${shape.id}:${shape.z}`),
    isDeleted: false,
    boundElements: null,
    updated: now,
    link: null,
    locked: shape.locked,
  });
  /** A text element: free-standing (`containerId` null) or the label bound inside `container`. */
  const textElement = (shape: Shape & TextFields, container: Shape | null): El => {
    const fontFamily = FONT_TO_EXCALIDRAW[shape.fontFamily];
    const lines = shape.text.split('\n').length;
    const height = lines * shape.fontSize * 1.25;
    const width = container ? Math.max(container.w - 10, 1) : shape.w;
    const y = !container ? shape.y : shape.verticalAlign === 'top' ? container.y + 5 : shape.verticalAlign === 'bottom' ? container.y + container.h - 5 - height : container.y + (container.h - height) / 2;
    return {
      ...common(shape, 'text'),
      ...(container ? { id: `${container.id}-label`.slice(0, 64), x: container.x + 5, y, width, height, backgroundColor: 'transparent', groupIds: container.groupId ? [container.groupId] : [] } : {}),
      ...(container?.type === 'sticky' ? { strokeColor: '#1e1e1e' } : {}),
      text: shape.text,
      originalText: shape.text,
      fontSize: shape.fontSize,
      fontFamily,
      textAlign: shape.textAlign,
      verticalAlign: shape.verticalAlign,
      containerId: container ? container.id : null,
      autoResize: !container,
      lineHeight: 1.25,
      ...(shape.fontFamily === 'serif' ? { customData: { meshboard: { fontFamily: 'serif' } } } : {}),
    };
  };
  const addLabel = (shape: Shape & TextFields) => {
    if (!shape.text) return;
    const label = textElement(shape, shape);
    bindTo(shape.id, { type: 'text', id: label.id as string });
    elements.push(label);
  };
  for (const shape of snapshot.shapes) {
    switch (shape.type) {
      case 'rectangle':
      case 'ellipse':
      case 'diamond':
        elements.push({ ...common(shape, shape.type), roundness: shape.cornerRadius > 0 && shape.type !== 'ellipse' ? { type: 3, value: shape.cornerRadius } : null });
        addLabel(shape);
        break;
      case 'frame':
        elements.push({ ...common(shape, 'frame'), name: shape.name || null });
        break;
      case 'text':
        elements.push(textElement(shape, null));
        break;
      case 'sticky': {
        elements.push({ ...common(shape, 'rectangle'), backgroundColor: stickyFill(shape.fillColor), strokeColor: 'transparent', customData: { meshboard: { type: 'sticky', strokeColor: shape.strokeColor } } });
        addLabel(shape);
        break;
      }
      case 'freehand': {
        const points: number[][] = [];
        const pressures: number[] = [];
        for (let i = 0; i + 2 < shape.points.length; i += 3) {
          points.push([shape.points[i]!, shape.points[i + 1]!]);
          pressures.push(shape.points[i + 2]!);
        }
        const constant = pressures.every((p) => p === pressures[0]);
        elements.push({
          ...common(shape, 'freedraw'),
          points,
          pressures: constant ? [] : pressures,
          simulatePressure: constant,
          lastCommittedPoint: points.at(-1) ?? null,
          ...(shape.variant === 'highlighter' ? { customData: { meshboard: { type: 'highlighter' } } } : {}),
        });
        break;
      }
      case 'line':
      case 'arrow': {
        const points: number[][] = [];
        for (let i = 0; i + 1 < shape.points.length; i += 2) points.push([shape.points[i]!, shape.points[i + 1]!]);
        const el: El = {
          ...common(shape, shape.type),
          points,
          lastCommittedPoint: null,
          startBinding: null,
          endBinding: null,
          startArrowhead: ARROWHEAD_TO_EXCALIDRAW[shape.startArrowhead],
          endArrowhead: ARROWHEAD_TO_EXCALIDRAW[shape.endArrowhead],
        };
        if (shape.type === 'arrow') {
          if (shape.arrowType === 'curved') el.roundness = { type: 2 };
          if (shape.arrowType === 'elbow') el.elbowed = true;
          if (shape.startBinding) {
            el.startBinding = { elementId: shape.startBinding, focus: 0, gap: 6 };
            bindTo(shape.startBinding, { type: 'arrow', id: shape.id });
          }
          if (shape.endBinding) {
            el.endBinding = { elementId: shape.endBinding, focus: 0, gap: 6 };
            bindTo(shape.endBinding, { type: 'arrow', id: shape.id });
          }
        }
        elements.push(el);
        if (shape.type === 'arrow') addLabel(shape);
        break;
      }
      case 'image': {
        const asset = snapshot.assets.get(shape.assetId);
        elements.push({ ...common(shape, 'image'), fileId: shape.assetId, status: 'saved', scale: [1, 1], crop: null });
        if (asset?.data) files[shape.assetId] = { mimeType: asset.mimeType, id: shape.assetId, dataURL: toDataUrl(asset.mimeType, asset.data), created: now };
        break;
      }
    }
  }
  for (const el of elements) {
    const list = bound.get(el.id as string);
    if (list) el.boundElements = list;
  }
  return JSON.stringify({ type: 'excalidraw', version: 2, source: 'meshboard', elements, appState: { viewBackgroundColor: '#ffffff', gridSize: null }, files }, null, 2);
}

type TextFields = { text: string; fontSize: number; textAlign: 'left' | 'center' | 'right'; fontFamily: 'hand' | 'sans' | 'serif' | 'mono'; verticalAlign: 'top' | 'middle' | 'bottom' };

/** Excalifont (5), Helvetica (2), Comic Shanns (8); Excalidraw has no serif, so serif rides in customData. */
const FONT_TO_EXCALIDRAW = { hand: 5, sans: 2, serif: 2, mono: 8 } as const;
const ARROWHEAD_TO_EXCALIDRAW = { none: null, arrow: 'arrow', triangle: 'triangle', bar: 'bar', dot: 'circle' } as const;
