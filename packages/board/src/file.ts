import { z } from 'zod';
import { Asset, MAX_TITLE_LENGTH, Shape } from './schema.js';

/**
 * The Meshboard board file: a board's shapes and images as JSON, versioned. It is what "Export JSON" writes,
 * what the PNG text chunk and SVG metadata of an export carry, and what the CLI and SDK read. The schema lives
 * here, beside the shapes it describes, so a reader and the board can never disagree about a field.
 *
 * Version 1: `shapes` are the board's shape records as `Board.listShapes()` returns them (bottom to top);
 * `assets` are keyed by the sha-256 hex that `ImageShape.assetId` names, with the bytes as base64 when the
 * writer included them (an export without image bytes still reads: the images show as placeholders).
 */
export const BOARD_FILE_TYPE = 'meshboard';
export const BOARD_FILE_VERSION = 1;
export const BOARD_FILE_MIME = 'application/vnd.meshboard+json';
/** Most shapes one file may hold (a board this big is ~10 MB of JSON; past it the file is refused). */
export const MAX_FILE_SHAPES = 100_000;

export const BoardFileAsset = z.object({
  mimeType: Asset.shape.mimeType,
  width: z.number().finite().min(0).max(1e9),
  height: z.number().finite().min(0).max(1e9),
  /** base64 of the bytes (at most 10 MiB decoded); absent when the writer left images out */
  data: z.string().max(Math.ceil((10 * 1024 * 1024) / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/).optional(),
});
export type BoardFileAsset = z.infer<typeof BoardFileAsset>;

export const BoardFile = z.object({
  type: z.literal(BOARD_FILE_TYPE),
  version: z.literal(BOARD_FILE_VERSION),
  title: z.string().max(MAX_TITLE_LENGTH).default(''),
  /** what wrote the file, e.g. "meshboard-web" or "meshboard-cli" */
  source: z.string().max(200).optional(),
  shapes: z.array(Shape).max(MAX_FILE_SHAPES),
  assets: z.record(z.string().regex(/^[0-9a-f]{64}$/), BoardFileAsset).default({}),
});
export type BoardFile = z.infer<typeof BoardFile>;

/** The board file's JSON Schema (draft 2020-12), generated from the zod schema above so the two never drift. */
export function boardFileJsonSchema(): Record<string, unknown> {
  // Point lists are checked by a custom test (see schema.ts); in JSON Schema they are plain number arrays.
  return z.toJSONSchema(BoardFile, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const def = (ctx.zodSchema as { _zod?: { def?: { type?: string } } })._zod?.def;
      if (def?.type === 'custom') Object.assign(ctx.jsonSchema, { type: 'array', items: { type: 'number' } });
    },
  }) as Record<string, unknown>;
}
