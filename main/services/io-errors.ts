import { access, constants } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { KernelStudioError } from '../../core/errors';
import { describeFsError } from './atomic-file';

/** A Node file-system error (`code` such as 'EACCES'), as opposed to one of ours. */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** Reasons for the errno codes atomic-file's describeFsError does not name. */
const MORE_REASONS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EBUSY: 'the file is busy',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'the disk reported an error',
};

/** Why a file operation failed, in words: never the raw errno message with its syscall and path. */
export function describeIoError(error: unknown): string {
  const code = isErrnoError(error) ? (error.code ?? '') : '';
  const known = describeFsError(error);
  if (MORE_REASONS[code]) return MORE_REASONS[code];
  return error instanceof Error && known === error.message ? `error ${code || 'unknown'}` : known;
}

/** An unexpected file-system error as a one-line 'io' error: what failed and why, no errno or path dump. */
export function ioErrorOf(error: NodeJS.ErrnoException, what: string): KernelStudioError {
  return new KernelStudioError('io', `${what}: ${describeIoError(error)}.`);
}

const writable = (path: string): Promise<boolean> =>
  access(path, constants.W_OK).then(
    () => true,
    () => false,
  );

/**
 * Says why a save failed where the plain reason would mislead. A safe save writes a
 * new file beside the target and renames it over the old one, so it needs the folder
 * to be writable, even when the file itself is: that case gets its own message.
 */
export async function describeSaveFailure(target: string, error: unknown): Promise<unknown> {
  const folder = dirname(target);
  if (!(await writable(folder)) && (await writable(target)))
    return new KernelStudioError(
      'io',
      `Could not save ${basename(target)}: its folder ${folder} is not writable. A safe save writes a new file beside it and renames it over the old one, which needs write permission on the folder.`,
    );
  return error;
}
