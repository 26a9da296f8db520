import { randomBytes } from 'node:crypto';
import { open, rename, unlink, stat, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KernelStudioError } from '../../core/errors';

/**
 * Writes a file so that a crash at any point leaves either the old file or the
 * new one, never a torn mix: temp file in the same folder, fsync, rename, fsync the folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(temp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw new KernelStudioError('io', `Could not save ${basename(path)}: ${describeFsError(error)}`);
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; not supported on every platform (Windows), where it is harmless to skip.
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

/** Reads a text file after checking its size, so a huge file is refused before it is loaded. */
export async function readTextFile(path: string, maxBytes: number): Promise<string> {
  await checkFileSize(path, maxBytes);
  return readChecked(path, () => readFile(path, 'utf8'));
}

/** Reads a file as bytes after checking its size, like readTextFile. */
export async function readBytesFile(path: string, maxBytes: number): Promise<Uint8Array> {
  await checkFileSize(path, maxBytes);
  return readChecked(path, async () => new Uint8Array(await readFile(path)));
}

/** Refuses a missing path, a folder, or a file over `maxBytes`, with a message for the user. */
async function checkFileSize(path: string, maxBytes: number): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new KernelStudioError('io', `${basename(path)} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof KernelStudioError) throw error;
    throw new KernelStudioError('io', `Could not open ${basename(path)}: ${describeFsError(error)}`);
  }
  if (size > maxBytes)
    throw new KernelStudioError(
      'too-large',
      `${basename(path)} is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}.`,
    );
}

async function readChecked<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new KernelStudioError('io', `Could not read ${basename(path)}: ${describeFsError(error)}`);
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EISDIR':
      return 'it is a folder';
    case 'EROFS':
      return 'the disk is read-only';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
