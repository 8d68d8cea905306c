/**
 * The one error every reader and writer here throws for bad input: `message` is meant for the person who
 * chose the file ("This .tldr file was saved by tldraw 1 ..."), `code` for programs and tests.
 */
export type InteropErrorCode =
  | 'too_large'
  | 'truncated'
  | 'malformed'
  | 'unsupported_format'
  | 'unsupported_version'
  | 'too_many_shapes'
  | 'bad_image'
  | 'empty';

export class InteropError extends Error {
  override readonly name = 'InteropError';
  constructor(
    readonly code: InteropErrorCode,
    message: string,
  ) {
    super(message);
  }
}
