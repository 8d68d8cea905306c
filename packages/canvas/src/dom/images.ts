import type { Asset, Board } from '@meshboard/board';

/**
 * Decoded images for image shapes, per asset. The board holds only an asset's metadata; its bytes come from
 * blob storage and may arrive after the shape (from a peer or the store), so a missing image is a
 * placeholder that is retried now and then, and replaced as soon as the board says its bytes arrived.
 */

export const IMAGE_TYPES = new Set<Asset['mimeType']>(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']);

export class ImageCache {
  private readonly images = new Map<string, { image: CanvasImageSource | null; failedAt?: number }>();
  private readonly unwatch: () => void;

  /** `changed` is called whenever an image became available (draw again). */
  constructor(
    private readonly board: Board,
    private readonly changed: () => void,
  ) {
    this.unwatch = board.onAssetBytes((assetId) => {
      if (this.images.get(assetId)?.image) return;
      this.images.delete(assetId); // bytes arrived: replace the placeholder now, not at the next retry
      changed();
    });
  }

  destroy(): void {
    this.unwatch();
  }

  /** The decoded image, or null while it is loading or missing (the renderer draws a placeholder). */
  get(assetId: string): CanvasImageSource | null {
    const cached = this.images.get(assetId);
    if (cached?.image) return cached.image;
    // A missing asset may still be syncing: retry now and then.
    if (cached && (cached.failedAt === undefined || performance.now() - cached.failedAt < 1000)) return null;
    const asset = this.board.getAsset(assetId);
    // The doc holds metadata only: the bytes come from the blob storage (placeholder until they arrive).
    const bytes = asset ? this.board.getAssetBytes(assetId) : null;
    const entry: { image: CanvasImageSource | null; failedAt?: number } = { image: null };
    this.images.set(assetId, entry);
    if (!asset || !bytes) {
      entry.failedAt = performance.now();
      setTimeout(() => this.changed(), 1000);
      return null;
    }
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: asset.mimeType });
    loadImage(blob)
      .then((image) => {
        entry.image = image;
        this.changed();
      })
      .catch(() => {
        entry.failedAt = performance.now();
      });
    return null;
  }
}

export async function loadImage(blob: Blob): Promise<CanvasImageSource> {
  if (typeof createImageBitmap === 'function' && blob.type !== 'image/svg+xml') return createImageBitmap(blob);
  const url = URL.createObjectURL(blob);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } finally {
    // The decoded image keeps its pixels; the URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

export async function imageSize(blob: Blob): Promise<{ width: number; height: number }> {
  const image = await loadImage(blob);
  const width = 'width' in image ? Number(image.width) : 0;
  const height = 'height' in image ? Number(image.height) : 0;
  if ('close' in image && typeof image.close === 'function') image.close();
  return { width: width || 300, height: height || 200 };
}
