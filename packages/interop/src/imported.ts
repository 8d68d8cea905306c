import { newShapeId, Shape, zBetweenN } from '@meshboard/board';
import { sha256Hex } from './base64.js';
import { InteropError } from './errors.js';
import { checkImage, type CheckedImage } from './images.js';
import { limits } from './limits.js';

export type ImportFormat = 'meshboard' | 'excalidraw' | 'excalidrawlib' | 'excalidraw-clipboard' | 'tldraw';

/**
 * What every importer produces: shapes in the board's own model (fresh ids, bottom to top, z keys in that
 * order), the images they use keyed by sha-256, and the notices: everything that could not be kept exactly as
 * it was (imported as the closest shape, or refused), so nothing is lost silently.
 */
export interface ImportedBoard {
  format: ImportFormat;
  title: string;
  shapes: Shape[];
  assets: Map<string, CheckedImage>;
  notices: string[];
}

/** A shape as an importer builds it: the board's input fields with an id (z is assigned at the end). */
export type DraftShape = Record<string, unknown> & { id: string; type: Shape['type'] };

/** Collects shapes, images and notices while one file is read. */
export class ImportBuilder {
  readonly drafts: DraftShape[] = [];
  readonly assets = new Map<string, CheckedImage>();
  private readonly notes = new Map<string, number>();

  /** Records something that could not be kept exactly; repeated notes are counted, not repeated. */
  note(message: string): void {
    this.notes.set(message, (this.notes.get(message) ?? 0) + 1);
  }

  newId(): string {
    return newShapeId();
  }

  add(draft: Omit<DraftShape, 'id'> & { id?: string }): DraftShape {
    if (this.drafts.length >= limits.maxShapes) {
      throw new InteropError('too_many_shapes', `the file has more than ${limits.maxShapes.toLocaleString('en')} shapes`);
    }
    const shape = { ...draft, id: draft.id ?? newShapeId() } as DraftShape;
    this.drafts.push(shape);
    return shape;
  }

  /** Checks image bytes and stores them once; returns the asset id, or null (with a notice) when refused. */
  async addImage(bytes: Uint8Array, declaredMime: string | undefined, what: string): Promise<string | null> {
    let image: CheckedImage;
    try {
      image = checkImage(bytes, declaredMime);
    } catch (error) {
      if (!(error instanceof InteropError)) throw error;
      this.note(`${what} was replaced by a placeholder: ${error.message}`);
      return null;
    }
    const assetId = await sha256Hex(image.data);
    this.assets.set(assetId, image);
    return assetId;
  }

  finish(format: ImportFormat, title: string): ImportedBoard {
    const zs = zBetweenN(null, null, this.drafts.length);
    const shapes: Shape[] = [];
    const invalid = new Map<string, number>();
    this.drafts.forEach((draft, i) => {
      const parsed = Shape.safeParse({ author: '', createdAt: 0, ...draft, z: zs[i] });
      if (parsed.success) shapes.push(parsed.data);
      else {
        const issue = parsed.error.issues[0];
        const reason = `${issue?.path.join('.') || 'shape'}: ${issue?.message ?? 'invalid'}`;
        invalid.set(`${draft.type} (${reason})`, (invalid.get(`${draft.type} (${reason})`) ?? 0) + 1);
      }
    });
    for (const [what, count] of invalid) this.note(`${count} ${count === 1 ? 'shape' : 'shapes'} could not be imported: ${what}`);
    // Bindings and groups may name shapes that were refused: drop those references rather than dangle.
    const ids = new Set(shapes.map((shape) => shape.id));
    for (const shape of shapes) {
      if (shape.type === 'arrow') {
        if (shape.startBinding && !ids.has(shape.startBinding)) shape.startBinding = null;
        if (shape.endBinding && !ids.has(shape.endBinding)) shape.endBinding = null;
      }
    }
    const notices = [...this.notes].map(([message, count]) => (count > 1 && !/^\d/.test(message) ? `${message} (${count} times)` : message));
    return { format, title, shapes, assets: this.assets, notices };
  }
}
