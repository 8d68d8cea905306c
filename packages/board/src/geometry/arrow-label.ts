import type { ArrowRoute } from './arrow-route.js';

/**
 * Where an arrow's label goes on its line, and which way it is turned. The canvas and the exporters measure
 * text their own way (a 2D context, a PDF font, an estimate) but place and turn it by this one rule, so an
 * exported arrow reads like the one on the board.
 */

/** The gap kept between an arrow's line and its label's text, as a share of the font size. */
export const ARROW_LABEL_GAP = 0.25;

/** Where an arrow label is drawn: its centre on the course and the angle its text is turned by. */
export interface ArrowLabelPlacement {
  x: number;
  y: number;
  angle: number;
}

/**
 * Turns an angle of travel into one text can be read at: within [-90°, 90°), so text never stands upside
 * down (a line drawn right to left reads left to right; a vertical one reads bottom to top).
 */
export function readableAngle(angle: number): number {
  let a = Math.atan2(Math.sin(angle), Math.cos(angle));
  if (a >= Math.PI / 2 - 1e-9) a -= Math.PI;
  else if (a < -Math.PI / 2 - 1e-9) a += Math.PI;
  return Math.abs(a) < 1e-9 ? 0 : a;
}

/**
 * An arrow label sits on the middle of the course (a curved arrow's curve, an elbow arrow's path, not the
 * chord) and follows the line there, turned to read upright (readableAngle). When the straight run of line
 * around the middle is shorter than the label plus its gap (a label longer than the segment it sits on, or
 * a tight curve) the turned text would hang past the bend over other parts of the line, so it stays level.
 */
export function arrowLabelPlacement(route: Pick<ArrowRoute, 'middle' | 'middleAngle' | 'middleRun'>, labelWidth: number, gap: number): ArrowLabelPlacement {
  const fits = route.middleRun >= labelWidth / 2 + gap;
  return { x: route.middle.x, y: route.middle.y, angle: fits ? readableAngle(route.middleAngle) : 0 };
}

