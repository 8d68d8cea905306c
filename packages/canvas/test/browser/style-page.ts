// Test page for styles.browser.test.ts: one board, one engine, and a few helpers to read the canvas back.
import * as Y from 'yjs';
import { Board, type NewShape } from '@meshboard/board';
import { CanvasEngine } from '../../src/index.js';

let doc: Y.Doc;
let board: Board;
let engine: CanvasEngine | null = null;

function canvas(): HTMLCanvasElement {
  return document.querySelector('#board canvas') as HTMLCanvasElement;
}

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

const api = {
  /** A fresh board (from a peer's encoded state when given) in a fresh engine, camera at the origin, zoom 1. */
  open(state?: string): void {
    engine?.destroy();
    doc = new Y.Doc();
    if (state) Y.applyUpdate(doc, Uint8Array.from(atob(state), (c) => c.charCodeAt(0)));
    board = new Board(doc, { userId: 'tester' });
    engine = new CanvasEngine({ container: document.getElementById('board')!, board });
    engine.editor.camera.x = 0;
    engine.editor.camera.y = 0;
    engine.editor.camera.zoom = 1;
    engine.editor.changed();
  },
  add(shapes: NewShape[]): string[] {
    return board.addShapes(shapes).map((shape) => shape.id);
  },
  clear(): void {
    board.deleteShapes(board.listShapes().map((shape) => shape.id));
    engine!.clearSelection();
  },
  /** The whole board as one update, base64 (what a second peer receives). */
  state(): string {
    let binary = '';
    for (const byte of Y.encodeStateAsUpdate(doc)) binary += String.fromCharCode(byte);
    return btoa(binary);
  },
  async fonts(): Promise<boolean[]> {
    await Promise.all(['20px "Caveat"', '20px "IBM Plex Serif"', '20px "IBM Plex Mono"'].map((font) => document.fonts.load(font)));
    await frame();
    return ['20px "Caveat"', '20px "IBM Plex Serif"', '20px "IBM Plex Mono"'].map((font) => document.fonts.check(font));
  },
  async frame(): Promise<void> {
    await frame();
  },
  /** RGBA of a region of the canvas (device pixels; tests run at DPR 1). */
  pixels(x: number, y: number, w: number, h: number): number[] {
    return [...canvas().getContext('2d')!.getImageData(x, y, w, h).data];
  },
  dataUrl(): string {
    return canvas().toDataURL('image/png');
  },
  editor() {
    return engine!.editor;
  },
};

(window as unknown as { styleTest: typeof api }).styleTest = api;
