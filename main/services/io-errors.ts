import { KernelStudioError } from '#core/errors';
import { describeFsError } from '../../node/files';

/** A Node file-system error (`code` such as 'EACCES'), as opposed to one of ours. */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** An unexpected file-system error as a one-line 'io' error: what failed and why (node/files' describer), no errno or path dump. */
export function ioErrorOf(error: NodeJS.ErrnoException, what: string): KernelStudioError {
  return new KernelStudioError('io', `${what}: ${describeFsError(error)}.`);
}
