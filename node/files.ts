/**
 * File I/O shared by every Node host (main/services, main/browser, cli/): atomic saves that keep
 * the file's mode and write through symlinks, reads that refuse anything but a regular file of
 * bounded size, and one describer that turns file-system errors into a clear sentence.
 * Plain Node: no Electron, no main/ or cli/ imports (ESLint keeps it that way).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { access, lstat, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KernelStudioError } from '#core/errors';

/** `.name.<12 hex>.tmp`: the temp file a save writes next to its target before renaming it. */
const TEMP_PATTERN = /^\..+\.[0-9a-f]{12}\.tmp$/;
/** A temp file this old was left by a crash (a save takes well under a minute); the next save there removes it. */
export const STALE_TEMP_MS = 60_000;

/** The error code of a Node fs error, if any. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A short, clear reason for a file-system error ("the disk is full", …), never a raw errno line. */
export function describeFsError(error: unknown): string {
  switch (codeOf(error)) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EEXIST':
      return 'a file of that name is in the way';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EBUSY':
    case 'ETXTBSY':
      return 'the file is busy';
    case 'EIO':
      return 'an input/output error on the disk';
    default:
      return error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
  }
}

/** Where a save really goes: a symlink's final target (its folder holds the temp file), else the path itself. */
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
    return path; // a new file (or a dangling link, which is replaced like a missing file)
  }
}

/** Removes our own temp files older than STALE_TEMP_MS from `dir`: leftovers of a crash mid-save. */
export async function removeStaleTemps(dir: string, now: number = Date.now()): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!TEMP_PATTERN.test(name)) continue;
    const file = join(dir, name);
    const info = await lstat(file).catch(() => undefined);
    if (info?.isFile() && now - info.mtimeMs > STALE_TEMP_MS) await unlink(file).catch(() => undefined);
  }
}

/** Why a save failed, said for a person; the folder is named when the rename needs it and cannot have it. */
async function saveFailure(path: string, target: string, error: unknown): Promise<KernelStudioError> {
  const code = codeOf(error);
  const dir = dirname(target);
  if (code === 'EACCES' || code === 'EPERM') {
    const dirWritable = await access(dir, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!dirWritable)
      return new KernelStudioError(
        'io',
        `Could not save ${basename(path)}: the folder ${dir} is not writable, and a safe save replaces the file through its folder${
          target === path ? '' : ` (${path} links to ${target})`
        }.`,
      );
  }
  return new KernelStudioError('io', `Could not save ${basename(path)}: ${describeFsError(error)}`);
}

/**
 * Saves `data` so that a crash at any point leaves either the old file or the new one, never a
 * torn mix: a temp file in the target's folder, fsync, rename over the target, fsync the folder.
 * Like write-file-atomic, it resolves symlinks first (the link stays a link; its target gets the
 * new content) and keeps an existing file's mode and owner (a 0600 file stays 0600).
 * Stale temp files from earlier crashes in that folder are removed first.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  let target = path;
  let temp: string | undefined;
  let handle: FileHandle | undefined;
  try {
    target = await resolveTarget(path);
    const dir = dirname(target);
    const existing = await stat(target).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (existing?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    await removeStaleTemps(dir);
    temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    handle = await open(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    if (existing) {
      // open() applies the umask; put the exact old mode (and, as root, the old owner) back.
      await handle.chmod(existing.mode & 0o7777);
      if (process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid).catch(() => undefined);
    }
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
    temp = undefined;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (temp !== undefined) await unlink(temp).catch(() => undefined);
    throw await saveFailure(path, target, error);
  }
  await syncDirectory(dirname(target));
}

/** Makes the rename itself durable; not supported on every platform (Windows), where skipping it is harmless. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/**
 * Reads a regular file of at most `maxBytes`, checking before reading anything: the file is
 * opened without blocking (a FIFO would wait forever for a writer), then its type and size are
 * taken from the open descriptor, so `/dev/zero`, a FIFO, a socket or a folder is refused at
 * once. A file that grows while being read past its stated size is refused too.
 */
export function readRegularFile(path: string, maxBytes: number, name: string = path): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new KernelStudioError('io', `Could not open ${name}: ${describeFsError(error)}`);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new KernelStudioError('io', `${name} is a folder, not a file.`);
    if (!info.isFile())
      throw new KernelStudioError('io', `${name} is not a regular file (it is a device, pipe or socket).`);
    if (info.size > maxBytes)
      throw new KernelStudioError(
        'too-large',
        `${name} is ${formatBytes(info.size)}; the limit is ${formatBytes(maxBytes)}.`,
      );
    // A Buffer (pngjs expects one), never from the shared pool: a view sent over IPC clones its whole ArrayBuffer.
    const bytes = Buffer.alloc(info.size + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, bytes, length, bytes.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > info.size)
        throw new KernelStudioError('io', `${name} grew while it was being read; try again.`);
    }
    return bytes.subarray(0, length);
  } catch (error) {
    if (error instanceof KernelStudioError) throw error;
    throw new KernelStudioError('io', `Could not read ${name}: ${describeFsError(error)}`);
  } finally {
    closeSync(fd);
  }
}
