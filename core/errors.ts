/**
 * Every failure a user can cause is a `KernelStudioError` with a stable `code`
 * and a one-line message fit to show as is: no stack traces reach the user.
 */
export type ErrorCode =
  | 'empty' // a grid with no cells
  | 'ragged' // rows of different lengths
  | 'non-finite' // NaN or ±Infinity in a value
  | 'kernel-too-large' // kernel larger than the image in some axis
  | 'too-large' // over the size limits
  | 'invalid-argument' // a parameter out of range or of the wrong type
  | 'diverged' // training loss became non-finite or exploded
  | 'format' // a file or text that cannot be parsed
  | 'unsupported' // a valid but unsupported variant (dtype, version…)
  | 'io' // reading or writing failed
  | 'forbidden' // a request that the security policy refuses
  | 'device-lost' // the GPU device went away
  | 'out-of-memory'; // an allocation failed

export class KernelStudioError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'KernelStudioError';
    this.code = code;
  }
}

export function isKernelStudioError(e: unknown): e is KernelStudioError {
  return e instanceof KernelStudioError;
}

/** The message to show a user for any thrown value, without a stack trace. */
export function userMessage(e: unknown): string {
  if (e instanceof KernelStudioError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
