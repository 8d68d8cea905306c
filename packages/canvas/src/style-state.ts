import type { Shape } from '@meshboard/board';
import { DEFAULT_STICKY_FILL } from './render/theme.js';
import type { StyleState } from './types.js';

/**
 * The style panel's state and how a change to it applies to the shapes selected: each kind of shape takes
 * only the fields that mean something for it (a text has no arrowheads, a line no fill), so a mixed
 * selection can be restyled in one step without writing meaningless fields into the board.
 */

export const DEFAULT_STYLE_STATE: StyleState = {
  strokeColor: '#1e1e1e',
  fillColor: 'transparent',
  strokeWidth: 2,
  opacity: 1,
  fontSize: 20,
  strokeStyle: 'solid',
  roughness: 0,
  fontFamily: 'sans',
  textAlign: 'center',
  verticalAlign: 'middle',
  startArrowhead: 'none',
  endArrowhead: 'arrow',
  arrowType: 'straight',
  cornerRadius: 0,
};

/** Every field of a style change that applies to `shape` (text size is remeasured by the caller). */
export function styleChangePatch(shape: Shape, style: Partial<StyleState>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (style.strokeColor !== undefined) patch.strokeColor = style.strokeColor;
  if (style.strokeWidth !== undefined) patch.strokeWidth = style.strokeWidth;
  if (style.opacity !== undefined) patch.opacity = style.opacity;
  if (style.fillColor !== undefined && shape.type !== 'freehand' && shape.type !== 'line' && shape.type !== 'arrow' && shape.type !== 'image') {
    patch.fillColor = shape.type === 'sticky' && style.fillColor === 'transparent' ? DEFAULT_STICKY_FILL : style.fillColor;
  }
  Object.assign(patch, stylePatch(shape, style));
  return patch;
}

/** The fields of a style change that apply to a shape of this type (others are left alone). */
function stylePatch(shape: Shape, style: Partial<StyleState>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const type = shape.type;
  const boxy = type === 'rectangle' || type === 'ellipse' || type === 'diamond';
  const texty = boxy || type === 'arrow' || type === 'text' || type === 'sticky';
  if (style.strokeStyle !== undefined && type !== 'text' && type !== 'sticky' && type !== 'image') patch.strokeStyle = style.strokeStyle;
  if (style.roughness !== undefined && (boxy || type === 'line' || type === 'arrow')) patch.roughness = style.roughness;
  if (style.fontSize !== undefined && texty) patch.fontSize = style.fontSize;
  if (style.fontFamily !== undefined && texty) patch.fontFamily = style.fontFamily;
  if (style.textAlign !== undefined && texty && type !== 'arrow') patch.textAlign = style.textAlign;
  if (style.verticalAlign !== undefined && boxy) patch.verticalAlign = style.verticalAlign;
  if (style.cornerRadius !== undefined && (type === 'rectangle' || type === 'diamond')) patch.cornerRadius = style.cornerRadius;
  if (type === 'line' || type === 'arrow') {
    if (style.startArrowhead !== undefined) patch.startArrowhead = style.startArrowhead;
    if (style.endArrowhead !== undefined) patch.endArrowhead = style.endArrowhead;
  }
  if (style.arrowType !== undefined && type === 'arrow') patch.arrowType = style.arrowType;
  return patch;
}
