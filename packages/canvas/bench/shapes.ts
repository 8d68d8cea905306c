// The 50,000-shape board of the canvas benchmark, shared with the repository benchmark (bench/, issue 15)
// that uploads the same board to the real app's store. No DOM here: it runs in Node too.
import type { NewShape } from '@meshboard/board';

const COLORS = ['#1e1e1e', '#e03131', '#2f9e44', '#1971c2', '#f08c00', '#9c36b5', '#0c8599', '#495057'];
const FILLS = ['transparent', 'transparent', 'transparent', '#ffc9c9', '#b2f2bb', '#a5d8ff', '#ffec99'];

/** Deterministic pseudo-random numbers (mulberry32), so both modes and every run see the same board. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * --styled: a share of the shapes carry the drawing styles (about a fifth of boxes labelled, a fifth dashed
 * or dotted, a tenth hand-drawn, a tenth rounded; arrows curved or elbow with varied heads, a third labelled),
 * drawn from a second random stream so the board's geometry stays the same as without it.
 */
function styleShape(shape: NewShape, i: number, random: () => number): NewShape {
  const s = shape as Record<string, unknown>;
  if (shape.type === 'rectangle' || shape.type === 'ellipse' || shape.type === 'diamond') {
    if (random() < 0.2) Object.assign(s, { text: `Label ${i}`, textAlign: 'center', fontFamily: random() < 0.5 ? 'hand' : 'sans' });
    const r = random();
    if (r < 0.1) s.strokeStyle = 'dashed';
    else if (r < 0.2) s.strokeStyle = 'dotted';
    if (random() < 0.1) s.roughness = 1;
    if (shape.type !== 'ellipse' && random() < 0.1) s.cornerRadius = 12;
  } else if (shape.type === 'arrow') {
    const r = random();
    s.arrowType = r < 0.33 ? 'curved' : r < 0.66 ? 'elbow' : 'straight';
    s.startArrowhead = (['none', 'dot', 'bar'] as const)[Math.floor(random() * 3)];
    s.endArrowhead = (['arrow', 'triangle', 'dot'] as const)[Math.floor(random() * 3)];
    if (random() < 0.33) s.text = `yes ${i}`;
    if (random() < 0.1) s.roughness = 1;
    if (random() < 0.2) s.strokeStyle = 'dashed';
  }
  return shape;
}

/** A mix like a busy real board: boxes, strokes, lines and arrows, text and sticky notes. */
export function generateShapes(count: number, seed = 42, styled = false): NewShape[] {
  const styleRandom = rng(seed + 1);
  const random = rng(seed);
  const side = Math.sqrt(count) * 160;
  const shapes: NewShape[] = [];
  for (let i = 0; i < count; i++) {
    const x = random() * side;
    const y = random() * side;
    const w = 20 + random() * 180;
    const h = 20 + random() * 140;
    const style = { strokeColor: COLORS[Math.floor(random() * COLORS.length)]!, strokeWidth: 1 + Math.floor(random() * 4), rotation: random() < 0.1 ? random() * Math.PI : 0 };
    const kind = random();
    if (kind < 0.3) shapes.push({ type: 'rectangle', x, y, w, h, ...style, fillColor: FILLS[Math.floor(random() * FILLS.length)]! });
    else if (kind < 0.42) shapes.push({ type: 'ellipse', x, y, w, h, ...style, fillColor: FILLS[Math.floor(random() * FILLS.length)]! });
    else if (kind < 0.5) shapes.push({ type: 'diamond', x, y, w, h, ...style });
    else if (kind < 0.78) {
      const n = 8 + Math.floor(random() * 40);
      const points: number[] = [];
      let px = 0;
      let py = 0;
      let minX = 0;
      let minY = 0;
      let maxX = 0;
      let maxY = 0;
      for (let j = 0; j < n; j++) {
        px += (random() - 0.3) * 12;
        py += (random() - 0.5) * 12;
        points.push(px, py, 0.3 + random() * 0.5);
        minX = Math.min(minX, px);
        minY = Math.min(minY, py);
        maxX = Math.max(maxX, px);
        maxY = Math.max(maxY, py);
      }
      const rel = points.map((v, k) => (k % 3 === 0 ? v - minX : k % 3 === 1 ? v - minY : v));
      shapes.push({ type: 'freehand', x: x + minX, y: y + minY, w: maxX - minX, h: maxY - minY, points: rel, ...style, rotation: 0, variant: random() < 0.1 ? 'highlighter' : 'pen' });
    } else if (kind < 0.86) {
      const type = random() < 0.5 ? 'line' : 'arrow';
      shapes.push({ type, x, y, w, h, points: [0, 0, w, h], ...style, rotation: 0 });
    } else if (kind < 0.95) {
      shapes.push({ type: 'text', x, y, w: 120, h: 25, text: `Note ${i}`, fontSize: 20, ...style });
    } else {
      shapes.push({ type: 'sticky', x, y, w: 200, h: 200, text: `Sticky ${i}: remember to check the numbers`, fontSize: 20, fillColor: '#ffec99', strokeWidth: 0, rotation: 0, strokeColor: '#1e1e1e' });
    }
  }
  return styled ? shapes.map((shape, i) => styleShape(shape, i, styleRandom)) : shapes;
}
