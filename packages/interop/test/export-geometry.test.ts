import { describe, expect, it } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import { PDFDocument } from 'pdf-lib';
import { ARROW_LABEL_GAP, arrowLabelPlacement, arrowRoute, pathToSvg, type Shape } from '@meshboard/board';
import { exportPdf, exportSvg, snapshotOf } from '../src/index.js';
import { newBoard } from './helpers.js';

/**
 * Exports draw arrows with the same geometry as the canvas (@meshboard/board src/geometry/): an elbow arrow
 * between bound shapes follows the routed course, and its label is placed and turned as on the board.
 */
function elbowBoard(label: string) {
  const board = newBoard();
  const a = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 100, h: 100 });
  const b = board.addShape({ type: 'rectangle', x: 400, y: 300, w: 100, h: 100 });
  const arrow = board.addShape({ type: 'arrow', x: 50, y: 50, w: 400, h: 300, points: [0, 0, 400, 300], arrowType: 'elbow', startBinding: a.id, endBinding: b.id, text: label, fontSize: 16 });
  return { board, arrowId: arrow.id };
}

function arrowGroup(svg: string, id: string) {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const groups = Array.from(doc.getElementsByTagName('g'));
  return groups.find((g) => g.getAttribute('data-id') === id)!;
}

describe('exported arrows follow the board geometry', () => {
  it('an elbow arrow between two bound shapes is exported along its routed course, not the straight chord', () => {
    const { board, arrowId } = elbowBoard('yes');
    const lookup = (id: string) => board.getShape(id);
    const route = arrowRoute(board.getShape(arrowId) as Extract<Shape, { type: 'arrow' }>, lookup);
    // routed: more than two corners, every segment horizontal or vertical
    expect(route.points.length).toBeGreaterThan(4);
    for (let i = 2; i + 1 < route.points.length; i += 2) expect(route.points[i] === route.points[i - 2] || route.points[i + 1] === route.points[i - 1]).toBe(true);
    const { svg } = exportSvg(snapshotOf(board), { embed: false });
    const group = arrowGroup(svg, arrowId);
    expect(group.getAttribute('data-shape')).toBe('arrow');
    const line = group.getElementsByTagName('path')[0]!;
    expect(line.getAttribute('d')).toBe(pathToSvg(route.path));
    // the path's corners are exactly the route's points
    const corners = line.getAttribute('d')!.match(/-?[\d.]+/g)!.map(Number);
    expect(corners).toEqual(route.points.map((v) => Math.round(v * 100) / 100));
    expect(svg).not.toContain('<polyline');
  });

  it('the label sits on the course middle, turned along its segment as on the canvas', () => {
    const { board, arrowId } = elbowBoard('yes');
    const route = arrowRoute(board.getShape(arrowId) as Extract<Shape, { type: 'arrow' }>, (id) => board.getShape(id));
    // a short label fits the middle segment: the canvas turns it along that segment
    const width = 'yes'.length * 16 * 0.55;
    const place = arrowLabelPlacement(route, width, 16 * ARROW_LABEL_GAP);
    const round = (v: number) => String(Math.round(v * 100) / 100);
    const expected = `translate(${round(place.x)} ${round(place.y)})${place.angle ? ` rotate(${round((place.angle * 180) / Math.PI)})` : ''}`;
    const { svg } = exportSvg(snapshotOf(board), { embed: false });
    const group = arrowGroup(svg, arrowId);
    const label = Array.from(group.getElementsByTagName('g')).find((g) => g.getElementsByTagName('text').length > 0)!;
    expect(label.getAttribute('transform')).toBe(expected);
    expect(label.getElementsByTagName('text')[0]!.textContent).toBe('yes');
    // the shapes are farther apart sideways: right side to left side, a Z whose middle (where the label
    // sits) runs vertically, so the label is turned to read bottom to top
    expect(Math.abs(Math.cos(route.middleAngle))).toBeLessThan(1e-9);
    expect(label.getAttribute('transform')).toContain('rotate(-90)');
  });

  it('a label longer than its straight run stays level (no rotate), as on the canvas', () => {
    const { board, arrowId } = elbowBoard('a label far longer than the segment it would sit on');
    const { svg } = exportSvg(snapshotOf(board), { embed: false });
    const label = Array.from(arrowGroup(svg, arrowId).getElementsByTagName('g')).find((g) => g.getElementsByTagName('text').length > 0)!;
    expect(label.getAttribute('transform')).toMatch(/^translate\([-\d.]+ [-\d.]+\)$/);
  });

  it('PDF export of the same board still produces valid pages', async () => {
    const { board } = elbowBoard('yes');
    board.addShape({ type: 'arrow', x: 0, y: 500, w: 300, h: 0, points: [0, 0, 300, 0], arrowType: 'curved', text: 'curve', startArrowhead: 'dot', endArrowhead: 'triangle' });
    board.addShape({ type: 'diamond', x: 600, y: 0, w: 120, h: 80, cornerRadius: 12 });
    const pdf = await exportPdf(snapshotOf(board));
    expect(pdf.pages).toBe(1);
    const doc = await PDFDocument.load(pdf.bytes);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeGreaterThan(700);
    expect(height).toBeGreaterThan(400);
    const raw = new TextDecoder('latin1').decode(pdf.bytes);
    expect(raw).toContain('/BaseFont /Helvetica');
  });
});
