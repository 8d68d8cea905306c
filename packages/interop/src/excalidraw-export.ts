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
    strokeStyle: 'solid',
    roughness: 0,
    opacity: Math.round(shape.opacity * 100),
    groupIds: shape.groupId ? [shape.groupId] : [],
    frameId: null,
    roundness: null,
    seed: hash(shape.id),
    version: 1,
    versionNonce: hash(`${shape.id}:${shape.z}`),
    isDeleted: false,
    boundElements: null,
    updated: now,
    link: null,
    locked: false,
  });
  const textFields = (shape: Extract<Shape, { type: 'text' | 'sticky' }>, containerId: string | null): El => ({
    text: shape.text,
    originalText: shape.text,
    fontSize: shape.fontSize,
    fontFamily: 2,
    textAlign: shape.textAlign,
    verticalAlign: containerId ? 'top' : 'top',
    containerId,
    autoResize: !containerId,
    lineHeight: 1.25,
  });
  for (const shape of snapshot.shapes) {
    switch (shape.type) {
      case 'rectangle':
      case 'ellipse':
      case 'diamond':
        elements.push(common(shape, shape.type));
        break;
      case 'text':
        elements.push({ ...common(shape, 'text'), ...textFields(shape, null) });
        break;
      case 'sticky': {
        const textId = `${shape.id}-text`.slice(0, 64);
        elements.push({ ...common(shape, 'rectangle'), backgroundColor: stickyFill(shape.fillColor), strokeColor: 'transparent', customData: { meshboard: { type: 'sticky', strokeColor: shape.strokeColor } } });
        bindTo(shape.id, { type: 'text', id: textId });
        elements.push({ ...common(shape, 'text'), id: textId, x: shape.x + 12, y: shape.y + 12, width: Math.max(shape.w - 24, 1), height: Math.max(shape.h - 24, 1), strokeColor: '#1e1e1e', backgroundColor: 'transparent', ...textFields(shape, shape.id) });
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
        const el: El = { ...common(shape, shape.type), points, lastCommittedPoint: null, startBinding: null, endBinding: null, startArrowhead: null, endArrowhead: null };
        if (shape.type === 'arrow') {
          el.startArrowhead = shape.startArrowhead === 'arrow' ? 'arrow' : null;
          el.endArrowhead = shape.endArrowhead === 'arrow' ? 'arrow' : null;
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
    if (list && el.type !== 'text') el.boundElements = list;
  }
  return JSON.stringify({ type: 'excalidraw', version: 2, source: 'meshboard', elements, appState: { viewBackgroundColor: '#ffffff', gridSize: null }, files }, null, 2);
}
