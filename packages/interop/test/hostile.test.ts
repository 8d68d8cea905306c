import { describe, expect, it } from 'vitest';
import { encode } from 'fast-png';
import { zlibSync } from 'fflate';
import { applyImport, exportSvg, importFile, importJsonText, InteropError, limits, serializeBoardFile, snapshotOf } from '../src/index.js';
import { bytesToBase64 } from '../src/base64.js';
import { fixture, newBoard, sampleBoard, tinyPng } from './helpers.js';

const text = (value: string) => new TextEncoder().encode(value);

async function refused(bytes: Uint8Array, name = 'file'): Promise<InteropError> {
  const error = await importFile(bytes, name).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InteropError);
  return error as InteropError;
}

/** What the web app does: import first, and only a successful import touches the board. */
async function dropOnBoard(bytes: Uint8Array) {
  const board = newBoard();
  board.addShape({ type: 'rectangle', x: 0, y: 0, w: 10, h: 10 });
  const before = JSON.stringify(board.listShapes());
  try {
    await applyImport(board, await importFile(bytes));
  } catch {
    // refused: the board must be exactly as it was
  }
  return { board, unchanged: JSON.stringify(board.listShapes()) === before };
}

/** A PNG whose header claims `width` x `height` pixels (the chunk CRC is not fixed up: readers check sizes first). */
function lyingPng(width: number, height: number): Uint8Array {
  const png = new Uint8Array(tinyPng());
  const view = new DataView(png.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}

describe('hostile and broken files are refused with a clear message, and the board never changes', () => {
  it('truncated JSON', async () => {
    const whole = new TextDecoder().decode(fixture('excalidraw/uml-component-diagram.excalidrawlib'));
    const error = await refused(text(whole.slice(0, whole.length / 2)));
    expect(error.code).toBe('truncated');
    expect(error.message).toMatch(/cut short/);
    expect((await dropOnBoard(text(whole.slice(0, 1000)))).unchanged).toBe(true);
  });

  it('a truncated PNG', async () => {
    const board = await sampleBoard();
    const { svg } = exportSvg(snapshotOf(board));
    const error = await refused(text(svg.slice(0, svg.length - 200)));
    expect(['malformed', 'truncated']).toContain(error.code);
    const png = tinyPng();
    const cut = await refused(png.slice(0, 40));
    expect(cut.message).toMatch(/cut short|damaged/);
  });

  it('a file over the size limit', { timeout: 30_000 }, async () => {
    const huge = new Uint8Array(limits.maxFileBytes + 1).fill(0x20);
    const error = await refused(huge);
    expect(error.code).toBe('too_large');
    expect(error.message).toMatch(/at most 50 MB/);
  });

  it('more shapes than the limit', async () => {
    const elements = Array.from({ length: limits.maxShapes + 1 }, (_, i) => ({ type: 'rectangle', id: `r${i}`, x: i, y: 0, width: 1, height: 1 }));
    const error = await refused(text(JSON.stringify({ type: 'excalidraw', version: 2, elements })));
    expect(error.code).toBe('too_many_shapes');
  });

  it('wrong-type files: binary noise, plain text, unrelated JSON', async () => {
    expect((await refused(new Uint8Array([0, 1, 2, 3, 4, 5, 250, 251]))).code).toBe('unsupported_format');
    expect((await refused(text('just some notes'))).message).toMatch(/not a file Meshboard can open/);
    expect((await refused(text('{"name":"package","version":"1.0.0"}'))).message).toMatch(/JSON but not a board/);
  });

  it('prototype-pollution keys are removed, never applied', async () => {
    const json = `{"type":"excalidraw","version":2,"constructor":{"prototype":{"polluted":true}},"__proto__":{"polluted":true},
      "elements":[{"type":"rectangle","id":"a","x":0,"y":0,"width":10,"height":10,"__proto__":{"isAdmin":true},"groupIds":["__proto__"]}]}`;
    const imported = await importJsonText(json);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(imported.shapes).toHaveLength(1);
    expect(imported.notices.join(' ')).toMatch(/4 keys that could tamper with the app \(__proto__, constructor, prototype\) were removed/);
  });

  it('an SVG with a script is refused as an image; the exported SVG never carries one', async () => {
    const evil = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>';
    const error = await refused(text(evil));
    expect(error.message).toMatch(/refused because it contains a script/);
    const handler = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><rect width="10" height="10"/></svg>';
    expect((await refused(text(handler))).message).toMatch(/event handler/);
    const external = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png"/></svg>';
    expect((await refused(text(external))).message).toMatch(/external resource/);
    // a safe SVG is just an image
    const safe = await importFile(text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>'));
    expect(safe.shapes).toEqual([expect.objectContaining({ type: 'image', w: 40, h: 20 })]);
  });

  it('images that lie about their size or type are refused', async () => {
    const error = await refused(lyingPng(100_000, 100_000), 'bomb.png');
    expect(error.message).toMatch(/claims 100000 x 100000 pixels/);
    // inside an Excalidraw scene: the image becomes a placeholder and the notice says why
    const scene = (bytes: Uint8Array, mime: string) =>
      JSON.stringify({
        type: 'excalidraw',
        version: 2,
        elements: [{ type: 'image', id: 'i', x: 0, y: 0, width: 100, height: 100, fileId: 'f', status: 'saved' }],
        files: { f: { id: 'f', mimeType: mime, dataURL: `data:${mime};base64,${bytesToBase64(bytes)}` } },
      });
    const bomb = await importJsonText(scene(lyingPng(50_000, 50_000), 'image/png'));
    expect(bomb.shapes).toEqual([expect.objectContaining({ type: 'rectangle' })]);
    expect(bomb.notices.join(' ')).toMatch(/placeholder: the image claims 50000 x 50000 pixels/);
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0, 0x3b]);
    const liar = await importJsonText(scene(gif, 'image/png'));
    expect(liar.notices.join(' ')).toMatch(/says it is image\/png but its bytes are image\/gif/);
    expect(liar.assets.size).toBe(0);
  });

  it('a compressed scene that inflates past the limit (a zip bomb) is refused', async () => {
    const bomb = zlibSync(new Uint8Array(limits.maxFileBytes + 1024 * 1024), { level: 9 });
    let encoded = '';
    for (const byte of bomb) encoded += String.fromCharCode(byte);
    const envelope = JSON.stringify({ version: '1', encoding: 'bstring', compressed: true, encoded });
    const png = encode({ width: 1, height: 1, data: new Uint8Array([0, 0, 0, 255]), channels: 4, depth: 8, text: { 'application/vnd.excalidraw+json': envelope } });
    const error = await refused(png);
    expect(error.code).toBe('too_large');
  }, 60_000); // compressing 51 MB of zeros for the test file takes seconds on a loaded machine

  it('board files: a newer version and damaged shapes are refused, naming the problem', async () => {
    const board = await sampleBoard();
    const file = JSON.parse(serializeBoardFile(snapshotOf(board)));
    const newer = await refused(text(JSON.stringify({ ...file, version: 2 })));
    expect(newer.code).toBe('unsupported_version');
    expect(newer.message).toMatch(/version 2, made by a newer Meshboard/);
    file.shapes[0].x = 1e12;
    const damaged = await refused(text(JSON.stringify(file)));
    expect(damaged.message).toMatch(/damaged: shapes\.0\.x/);
    expect((await dropOnBoard(text(JSON.stringify(file)))).unchanged).toBe(true);
  });

  it('an image asset whose bytes do not match its id is dropped with a notice', async () => {
    const board = await sampleBoard();
    const file = JSON.parse(serializeBoardFile(snapshotOf(board)));
    const [assetId] = Object.keys(file.assets);
    const other = bytesToBase64(encode({ width: 2, height: 2, data: new Uint8Array(16).fill(200), channels: 4, depth: 8 }));
    file.assets[assetId!].data = other;
    const imported = await importJsonText(JSON.stringify(file));
    expect(imported.assets.size).toBe(0);
    expect(imported.notices.join(' ')).toMatch(/do not match its id/);
  });
});
