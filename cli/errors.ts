/**
 * Exit codes and the one-line failure messages of the CLI. Scripts depend on these,
 * so they are fixed: 0 success, 2 bad input or usage, 3 divergence, 1 a bug.
 */
import { isKernelStudioError } from '#core/errors';
import { printable } from '../node/files';

export const EXIT_OK = 0;
export const EXIT_BUG = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_DIVERGED = 3;

/** A failure with its exit code and a message that is shown as is, after "kernel-studio: ". */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_BAD_INPUT) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Maps anything thrown to (exit code, one line): user errors keep their message, bugs say so. */
export function describeFailure(error: unknown): { exitCode: number; line: string } {
  // One line, with any control character left (a file name's escape sequence) written as an escape.
  const oneLine = (text: string): string => printable(text.replace(/\s*\n\s*/g, ' ').trim());
  if (error instanceof CliError) return { exitCode: error.exitCode, line: oneLine(error.message) };
  if (isKernelStudioError(error))
    return {
      exitCode: error.code === 'diverged' ? EXIT_DIVERGED : EXIT_BAD_INPUT,
      line: oneLine(error.message),
    };
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT_BUG, line: oneLine(`internal error: ${message}`) };
}
