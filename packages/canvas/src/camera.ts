import type { Bounds, Point } from '@meshboard/board';

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 32;

export interface Viewport {
  width: number;
  height: number;
}

/**
 * Maps world coordinates (the board's) to screen coordinates (CSS pixels inside the canvas):
 *   screen = (world - origin) * zoom
 * `x`/`y` is the world point shown at the top-left corner of the canvas.
 */
export class Camera {
  x = 0;
  y = 0;
  zoom = 1;

  screenToWorld(point: Point): Point {
    return { x: point.x / this.zoom + this.x, y: point.y / this.zoom + this.y };
  }

  worldToScreen(point: Point): Point {
    return { x: (point.x - this.x) * this.zoom, y: (point.y - this.y) * this.zoom };
  }

  /** Pans by a screen-space delta (the content follows the pointer). */
  panBy(dxScreen: number, dyScreen: number): void {
    this.x -= dxScreen / this.zoom;
    this.y -= dyScreen / this.zoom;
  }

  /** Sets the zoom keeping the world point under `screenPoint` fixed (wheel and pinch zoom). */
  zoomAt(screenPoint: Point, zoom: number): void {
    const next = clampZoom(zoom);
    const anchor = this.screenToWorld(screenPoint);
    this.zoom = next;
    this.x = anchor.x - screenPoint.x / next;
    this.y = anchor.y - screenPoint.y / next;
  }

  /** The world rectangle visible in a viewport of the given CSS size. */
  visibleBounds(viewport: Viewport): Bounds {
    return { minX: this.x, minY: this.y, maxX: this.x + viewport.width / this.zoom, maxY: this.y + viewport.height / this.zoom };
  }

  /** Centres `bounds` in the viewport with `padding` CSS pixels around it; never zooms in past 1. */
  fitBounds(bounds: Bounds, viewport: Viewport, padding = 40): void {
    const w = Math.max(bounds.maxX - bounds.minX, 1);
    const h = Math.max(bounds.maxY - bounds.minY, 1);
    const availableW = Math.max(viewport.width - padding * 2, 1);
    const availableH = Math.max(viewport.height - padding * 2, 1);
    this.zoom = clampZoom(Math.min(availableW / w, availableH / h, 1));
    const cx = (bounds.minX + bounds.maxX) / 2;
    const cy = (bounds.minY + bounds.maxY) / 2;
    this.x = cx - viewport.width / 2 / this.zoom;
    this.y = cy - viewport.height / 2 / this.zoom;
  }

  /** Centres the world point in the viewport. */
  centerOn(point: Point, viewport: Viewport): void {
    this.x = point.x - viewport.width / 2 / this.zoom;
    this.y = point.y - viewport.height / 2 / this.zoom;
  }
}

export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** Zoom steps for the +/- buttons and keys: powers of two-ish, so repeated steps land on round numbers. */
export function nextZoomStep(zoom: number, direction: 1 | -1): number {
  const steps = [0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32];
  if (direction > 0) return steps.find((s) => s > zoom + 1e-6) ?? MAX_ZOOM;
  return [...steps].reverse().find((s) => s < zoom - 1e-6) ?? MIN_ZOOM;
}
