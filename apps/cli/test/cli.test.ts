import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBoard } from '@meshboard/sync';
import { Board } from '@meshboard/board';
import { importFile, serializeBoardFile, snapshotOf } from '@meshboard/interop';
import { encode as encodePng } from 'fast-png';
import * as Y from 'yjs';
import { startStack, type Stack } from '../../web/test/e2e/harness.js';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launcher = path.join(cliDir, 'bin/meshboard.mjs');
const fixture = (name: string) => path.resolve(cliDir, '../../packages/interop/test/fixtures', name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `meshboard ...` as its own process, the way `npx meshboard` does. */
function meshboard(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`meshboard ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let stack: Stack;
let dir: string;

beforeAll(async () => {
  stack = await startStack();
  dir = mkdtempSync(path.join(tmpdir(), 'meshboard-cli-'));
});

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('meshboard CLI against the running stack', () => {
  let editLink = '';
  let viewLink = '';
  let imported = 0;

  it('import FILE --server URL creates a board and prints its edit and view links', async () => {
    const run = await meshboard(['import', fixture('tldraw/fairy.tldr'), '--server', stack.webUrl]);
    expect(run.code, run.stderr).toBe(0);
    editLink = /^edit: (\S+)$/m.exec(run.stdout)![1]!;
    viewLink = /^view: (\S+)$/m.exec(run.stdout)![1]!;
    expect(editLink).toMatch(new RegExp(`^${stack.webUrl}/b/[^#]+#.+`));
    expect(viewLink.split('#')[0]).toBe(editLink.split('#')[0]);
    imported = Number(/imported (\d+) shapes/.exec(run.stderr)![1]);
    expect(imported).toBe(27);
    // the board really is in the store: the web app's page for it answers
    const page = await fetch(editLink.split('#')[0]!);
    expect(page.status).toBe(200);
  });

  it('export --format json|svg|png|excalidraw gives files that import back to the same shapes', async () => {
    for (const format of ['json', 'svg', 'png', 'excalidraw'] as const) {
      const out = path.join(dir, `board.${format}`);
      const run = await meshboard(['export', viewLink, '--format', format, '-o', out, '--scale', '2']);
      expect(run.code, run.stderr).toBe(0);
      const back = await importFile(new Uint8Array(readFileSync(out)), out);
      expect(back.shapes.length, format).toBe(imported);
      expect(back.shapes.filter((s) => s.type === 'text').map((s) => (s.type === 'text' ? s.text : '')).sort(), format).toContain('Kickoff');
    }
    const svg = readFileSync(path.join(dir, 'board.svg'), 'utf8');
    expect(svg).not.toMatch(/<script/i);
    expect(readFileSync(path.join(dir, 'board.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it("an imported image goes to the board's blob store, and export brings its bytes back", async () => {
    // a board file holding one image, made the way the web app's export makes it
    const source = new Board(new Y.Doc(), { userId: 'test' });
    const pixels = encodePng({ width: 2, height: 2, data: new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]), channels: 4 });
    const assetId = await source.addAsset({ mimeType: 'image/png', data: new Uint8Array(pixels), width: 2, height: 2 });
    source.addShape({ type: 'image', x: 0, y: 0, w: 20, h: 20, assetId });
    const file = path.join(dir, 'with-image.json');
    writeFileSync(file, serializeBoardFile(snapshotOf(source)));

    const run = await meshboard(['import', file, '--server', stack.webUrl]);
    expect(run.code, run.stderr).toBe(0);
    const link = /^edit: (\S+)$/m.exec(run.stdout)![1]!;
    const [page, token] = link.split('#') as [string, string];
    const boardId = page.split('/b/')[1]!;
    // the document holds only the image's metadata; its bytes are in the store, byte for byte
    const blob = await fetch(`${stack.storeUrl}/v1/boards/${boardId}/blobs/${assetId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(blob.status).toBe(200);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(pixels);

    const out = path.join(dir, 'with-image.out.json');
    const exported = await meshboard(['export', link, '--format', 'json', '-o', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr + exported.stdout).not.toMatch(/placeholder/);
    const back = await importFile(new Uint8Array(readFileSync(out)), out);
    expect(back.shapes.filter((s) => s.type === 'image')).toHaveLength(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).assets[assetId].data).toBe(Buffer.from(pixels).toString('base64'));
  });

  it('export --format pdf writes a one-page PDF for a board without frames', async () => {
    const out = path.join(dir, 'board.pdf');
    const run = await meshboard(['export', editLink, '--format', 'pdf', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const pdf = readFileSync(out, 'latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);
  });

  it('watch prints changes made by another editor as JSON lines', async () => {
    const child = spawn(process.execPath, [launcher, 'watch', viewLink], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const waitFor = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`no ${what}; watch stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(() => lines.some((l) => l.event === 'ready'), 'ready line');
      expect(lines[0]).toMatchObject({ event: 'ready', role: 'view', shapes: imported });
      // another editor (relay only, in this process) draws a rectangle
      const [boardId, token] = [editLink.split('/b/')[1]!.split('#')[0]!, decodeURIComponent(editLink.split('#')[1]!)];
      const editor = connectBoard(boardId, token, { storeUrl: stack.storeUrl, signalingUrl: stack.signalingUrl, user: { id: 'bot', name: 'bot', color: '#000000' }, disableP2P: true, transports: ['websocket'] });
      await editor.whenSeeded();
      const board = new Board(editor.doc, { userId: 'bot' });
      const shape = board.addShape({ type: 'rectangle', x: 1, y: 2, w: 30, h: 40, strokeColor: '#e03131' });
      await waitFor(() => lines.some((l) => l.event === 'added'), 'added line');
      expect(lines.find((l) => l.event === 'added')).toMatchObject({ shape: { id: shape.id, type: 'rectangle', w: 30, h: 40, strokeColor: '#e03131' } });
      board.deleteShapes([shape.id]);
      await waitFor(() => lines.some((l) => l.event === 'removed'), 'removed line');
      expect(lines.find((l) => l.event === 'removed')).toEqual({ event: 'removed', id: shape.id });
      board.destroy();
      await editor.destroy();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('a bad file is refused with a clear message and no board is created', async () => {
    const bad = path.join(dir, 'broken.excalidraw');
    writeFileSync(bad, '{"type":"excalidraw","version":2,"elements":[{"type":"rect');
    const run = await meshboard(['import', bad, '--server', stack.webUrl]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/meshboard: broken\.excalidraw is cut short/);
    expect(run.stdout).not.toMatch(/edit:/);
  });

  it('a bad link or format is a usage error', async () => {
    const run = await meshboard(['export', 'not-a-link', '--format', 'png', '-o', path.join(dir, 'x.png')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not a board link/);
    const usage = await meshboard(['export', editLink, '--format', 'gif', '-o', 'x']);
    expect(usage.code).toBe(2);
  });
});
