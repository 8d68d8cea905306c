import type { Page } from 'playwright-core';

/**
 * Compares two renderings of the same board (e.g. the board's canvas and its dashboard thumbnail) in the page's
 * own browser: each PNG is cropped to its content (pixels far off its background colour: strokes), resampled to a
 * `cols` x `rows` grid of average colours, and the grids compared. Returns the mean per-channel difference
 * (0..255) over the cells (`mirrorB` flips `b` left to right first: a control that must not match), the fraction of cells whose colours clearly differ, and the two content aspect ratios.
 */
export async function compareRenderings(page: Page, a: Buffer, b: Buffer, { cols = 24, rows = 16, mirrorB = false } = {}): Promise<{ meanDiff: number; mismatched: number; aspectA: number; aspectB: number; inkA: number; inkB: number }> {
  return page.evaluate(
    async ({ a64, b64, cols, rows, mirrorB }) => {
      async function grid(b64: string, mirror: boolean) {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext('2d')!;
        if (mirror) {
          ctx.translate(bitmap.width, 0);
          ctx.scale(-1, 1);
        }
        ctx.drawImage(bitmap, 0, 0);
        const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
        const counts = new Map<number, number>();
        for (let i = 0; i < data.length; i += 4) {
          const key = ((data[i]! >> 3) << 10) | ((data[i + 1]! >> 3) << 5) | (data[i + 2]! >> 3);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        let bgKey = 0;
        let best = -1;
        for (const [key, count] of counts) if (count > best) [bgKey, best] = [key, count];
        const bg = [((bgKey >> 10) & 31) * 8 + 4, ((bgKey >> 5) & 31) * 8 + 4, (bgKey & 31) * 8 + 4];
        let minX = width, minY = height, maxX = -1, maxY = -1, ink = 0;
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            if (Math.abs(data[i]! - bg[0]!) + Math.abs(data[i + 1]! - bg[1]!) + Math.abs(data[i + 2]! - bg[2]!) > 150) {
              ink++;
              if (x < minX) minX = x;
              if (x > maxX) maxX = x;
              if (y < minY) minY = y;
              if (y > maxY) maxY = y;
            }
          }
        const w = maxX - minX + 1;
        const h = maxY - minY + 1;
        const cells: number[] = [];
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) {
            const x0 = minX + Math.floor((c * w) / cols), x1 = minX + Math.floor(((c + 1) * w) / cols);
            const y0 = minY + Math.floor((r * h) / rows), y1 = minY + Math.floor(((r + 1) * h) / rows);
            const sum: [number, number, number] = [0, 0, 0];
            let n = 0;
            for (let y = y0; y < Math.max(y1, y0 + 1); y++)
              for (let x = x0; x < Math.max(x1, x0 + 1); x++) {
                const i = (y * width + x) * 4;
                sum[0] += data[i]!;
                sum[1] += data[i + 1]!;
                sum[2] += data[i + 2]!;
                n++;
              }
            cells.push(sum[0]! / n, sum[1]! / n, sum[2]! / n);
          }
        return { cells, aspect: w / h, ink: ink / (width * height) };
      }
      const [ga, gb] = [await grid(a64, false), await grid(b64, mirrorB)];
      let diff = 0;
      let mismatched = 0;
      for (let i = 0; i < ga.cells.length; i += 3) {
        const d = Math.abs(ga.cells[i]! - gb.cells[i]!) + Math.abs(ga.cells[i + 1]! - gb.cells[i + 1]!) + Math.abs(ga.cells[i + 2]! - gb.cells[i + 2]!);
        diff += d;
        if (d > 60) mismatched++;
      }
      const n = ga.cells.length / 3;
      return { meanDiff: diff / (3 * n), mismatched: mismatched / n, aspectA: ga.aspect, aspectB: gb.aspect, inkA: ga.ink, inkB: gb.ink };
    },
    { a64: a.toString('base64'), b64: b.toString('base64'), cols, rows, mirrorB },
  );
}
