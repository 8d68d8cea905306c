import type { Rasterizer } from '@meshboard/interop';

/**
 * The browser's side of exporting: the SVG from @meshboard/interop's exporter (the one the CLI uses) drawn
 * into a canvas for PNG, and files handed to the person as downloads or clipboard items.
 */
export const canvasRasterizer: Rasterizer = async (svg, width, height) => {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw to a canvas');
    ctx.drawImage(image, 0, 0, width, height);
    let pixels: ImageData;
    try {
      pixels = ctx.getImageData(0, 0, width, height);
    } catch {
      throw new Error('the image is too large for this browser to draw');
    }
    return { width, height, data: pixels.data };
  } finally {
    URL.revokeObjectURL(url);
  }
};

/** Text widths measured by the browser's own font engine (what the board draws with). */
export function canvasMeasure(): (text: string, fontSize: number) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  return (text, fontSize) => {
    if (!ctx) return text.length * fontSize * 0.55;
    ctx.font = `${fontSize}px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif`;
    return ctx.measureText(text).width;
  };
}

export function download(data: Uint8Array | string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Copies a PNG that is still being made: the clipboard write starts inside the click (browsers allow clipboard
 * writes only during user activation) with the image as a promise, and gives up after 20 s rather than leave
 * the menu waiting.
 */
export function copyPng(png: Promise<Uint8Array>): Promise<void> {
  const blob = png.then((bytes) => new Blob([bytes as BlobPart], { type: 'image/png' }));
  return withTimeout(navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]), 20_000, 'the clipboard did not answer');
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** SVG as an image where the browser supports it, and always as text (what editors and chat apps paste). */
export async function copySvg(svg: string): Promise<void> {
  const text = new Blob([svg], { type: 'text/plain' });
  try {
    await navigator.clipboard.write([new ClipboardItem({ 'image/svg+xml': new Blob([svg], { type: 'image/svg+xml' }), 'text/plain': text })]);
  } catch {
    await navigator.clipboard.writeText(svg);
  }
}

/** A file name from the board title. */
export function fileBase(title: string): string {
  return (title.trim() || 'board').replace(/[\\/:*?"<>|]+/g, '-').slice(0, 80);
}
