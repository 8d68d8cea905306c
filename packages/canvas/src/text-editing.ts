import type { FontFamily, Point, Shape } from '@meshboard/board';
import { arrowRoute, type ShapeLookup } from './geometry.js';
import { LABEL_LINE_HEIGHT, labelBox } from './style/label-layout.js';
import { FRAME_TITLE_PX, frameTitleBox } from './frame-title.js';
import type { StyleState } from './types.js';

/**
 * Text editing sessions: what the DOM layer's text overlay is opened on (where, how big, in which font) for
 * a text, a sticky note, a new text, or the label of a box or arrow. Built here as plain data so the editor
 * only decides when a session opens and closes, and tests can check where an overlay would sit.
 */

/** What the DOM layer shows in its text overlay; the editor gets the result back via commitTextEdit. */
export interface TextEditSession {
  /** null: a new text shape is created on commit (if the text is not empty) */
  id: string | null;
  /**
   * 'label': the label of a box or arrow, edited in the box `x, y, w, h` (world), centred and wrapping;
   * 'name': a frame's name, one line over its title (Enter commits)
   */
  type: 'text' | 'sticky' | 'label' | 'name';
  x: number;
  y: number;
  w: number;
  h: number;
  rotation: number;
  fontSize: number;
  textAlign: 'left' | 'center' | 'right';
  fontFamily: FontFamily;
  color: string;
  text: string;
}

/** Shapes a double-click opens for typing: text, sticky notes, and the labels of boxes and arrows. */
export const LABELLED = new Set<Shape['type']>(['text', 'sticky', 'rectangle', 'ellipse', 'diamond', 'arrow']);

/** A text or sticky note, edited where it is drawn. */
export function textSession(shape: Extract<Shape, { type: 'text' | 'sticky' }>): TextEditSession {
  return {
    id: shape.id,
    type: shape.type,
    x: shape.x,
    y: shape.y,
    w: shape.w,
    h: shape.h,
    rotation: shape.rotation,
    fontSize: shape.fontSize,
    textAlign: shape.textAlign,
    fontFamily: shape.fontFamily,
    color: shape.strokeColor,
    text: shape.text,
  };
}

/**
 * The label of a box or arrow, over the area the label is laid out in (label-layout.ts): a new label takes
 * the current text style (centred by default).
 */
export function labelSession(shape: Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' | 'arrow' }>, current: StyleState, lookup: ShapeLookup): TextEditSession {
  const fresh = !shape.text;
  const style = fresh ? { fontSize: current.fontSize, fontFamily: current.fontFamily, textAlign: current.textAlign } : shape;
  let box: { x: number; y: number; w: number; h: number };
  if (shape.type === 'arrow') {
    const route = arrowRoute(shape, lookup);
    const w = Math.max(style.fontSize * 10, 0);
    const h = style.fontSize * LABEL_LINE_HEIGHT * Math.max(1, shape.text.split('\n').length);
    box = { x: route.middle.x - w / 2, y: route.middle.y - h / 2, w, h };
  } else {
    const local = labelBox(shape.type, shape.w, shape.h);
    box = { x: shape.x + local.x, y: shape.y + local.y, w: local.w, h: local.h };
  }
  return {
    id: shape.id,
    type: 'label',
    ...box,
    rotation: shape.type === 'arrow' ? 0 : shape.rotation,
    fontSize: style.fontSize,
    textAlign: shape.type === 'arrow' ? 'center' : style.textAlign,
    fontFamily: style.fontFamily,
    color: shape.strokeColor,
    text: shape.text,
  };
}

/** A frame's name, typed over its title at the title's screen size; `color` is the title's colour. */
export function frameNameSession(frame: Extract<Shape, { type: 'frame' }>, zoom: number, widthPx: number, color: string): TextEditSession {
  const box = frameTitleBox(zoom, widthPx);
  // a title is not rotated with its frame in the overlay: placed at the frame's (unrotated) corner
  return { id: frame.id, type: 'name', x: frame.x + box.x, y: frame.y + box.y, w: box.w, h: box.h, rotation: 0, fontSize: FRAME_TITLE_PX / zoom, textAlign: 'left', fontFamily: 'sans', color, text: frame.name };
}

/** A new text at `world`, one line tall and centred on the point vertically, in the current text style. */
export function newTextSession(world: Point, style: StyleState): TextEditSession {
  const fontSize = style.fontSize;
  return { id: null, type: 'text', x: world.x, y: world.y - (fontSize * 1.25) / 2, w: fontSize, h: fontSize * 1.25, rotation: 0, fontSize, textAlign: 'left', fontFamily: style.fontFamily, color: style.strokeColor, text: '' };
}
