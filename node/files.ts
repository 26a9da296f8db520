/**
 * File I/O shared by every Node host (main/services, main/browser, cli/): atomic saves that keep
 * the file's mode and write through symlinks, reads that refuse anything but a regular file of
 * bounded size, and one describer that turns file-system errors into a clear sentence.
 * Plain Node: no Electron, no main/ or cli/ imports (ESLint keeps it that way).
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { access, lstat, open, readdir, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, parse, resolve, sep } from 'node:path';
import { KernelStudioError } from '#core/errors';

/**
 * `.name.ks-save-<12 hex>.tmp`: the temp file a save writes next to its target before renaming
 * it. The `ks-save` marker (and the owner) tells our leftovers from other programs' temp files.
 */
const TEMP_PATTERN = /^\..+\.ks-save-[0-9a-f]{12}\.tmp$/;
/** A temp file this old was left by a crash (a save takes well under a minute); the next save there removes it. */
export const STALE_TEMP_MS = 60_000;

/** The error code of a Node fs error, if any. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A file name as it may be shown in a message: control characters (a newline, an escape that
 * would recolour or rewrite the terminal, bidirectional overrides) are written as escapes, never raw.
 */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
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
    case 'EFBIG':
      return 'the file is larger than this disk or a limit allows';
    case 'EIO':
      return 'an input/output error on the disk';
    default:
      return error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
  }
}

/** Who runs this program; undefined where files have no owner ids (Windows), and nothing is checked. */
function currentUid(): number | undefined {
  return process.getuid?.();
}

/**
 * Refuses to follow a symbolic link another user controls. Walks `path` one name at a time, as
 * the kernel would, and checks every link on the way (the last name's and its folders'): a link
 * must belong to the user or to root. Another user's link, in a shared sticky folder such as
 * /tmp above all, may point at any file of the user's, and a save through it would replace that
 * file (the kernel's fs.protected_symlinks does not help: the save resolves the link itself and
 * renames over its target). The user's own links, and the system's (macOS's /tmp), keep working.
 */
async function checkLinks(path: string): Promise<void> {
  const uid = currentUid();
  if (uid === undefined) return;
  const absolute = resolve(path);
  let at = parse(absolute).root;
  let rest = absolute.slice(at.length).split(sep).filter(Boolean);
  for (let hops = 0; rest.length > 0;) {
    const name = rest.shift() as string;
    if (name === '.') continue;
    if (name === '..') {
      at = dirname(at);
      continue;
    }
    const next = join(at, name);
    const info = await lstat(next).catch((error: unknown) => {
      const code = codeOf(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (!info) return; // a new name: there is nothing further to follow
    if (!info.isSymbolicLink()) {
      at = next;
      continue;
    }
    if (++hops > 40) throw Object.assign(new Error('too many links'), { code: 'ELOOP' });
    if (info.uid !== uid && info.uid !== 0)
      throw new KernelStudioError(
        'forbidden',
        `Could not save ${printable(basename(path))}: ${printable(next)} is a symbolic link that belongs to another user (uid ${info.uid}); saving through it could overwrite a file of yours it points to. Remove the link, or save under another name.`,
      );
    const target = await readlink(next);
    if (isAbsolute(target)) at = parse(target).root;
    rest = [...target.split(sep).filter(Boolean), ...rest];
  }
}

/** Where a save really goes: a (checked) symlink's final target (its folder holds the temp file), else the path itself. */
async function resolveTarget(path: string): Promise<string> {
  await checkLinks(path);
  try {
    return await realpath(path);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
    return path; // a new file (or a dangling link, which is replaced like a missing file)
  }
}

/** A temp file's name beside `target`: ours by its marker. */
function tempNameOf(target: string): string {
  return `.${basename(target)}.ks-save-${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * Removes our own temp files older than STALE_TEMP_MS from `dir`: leftovers of a crash mid-save.
 * Ours means our marker in the name and the user's ownership; other programs' temp files stay.
 */
export async function removeStaleTemps(dir: string, now: number = Date.now()): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const uid = currentUid();
  for (const name of names) {
    if (!TEMP_PATTERN.test(name)) continue;
    const file = join(dir, name);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile() || (uid !== undefined && info.uid !== uid)) continue;
    if (now - info.mtimeMs > STALE_TEMP_MS) await unlink(file).catch(() => undefined);
  }
}

/** What a special file is, in words. */
function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why a save failed, said for a person; the folder is named when the rename needs it and cannot have it. */
async function saveFailure(path: string, target: string, error: unknown): Promise<KernelStudioError> {
  if (error instanceof KernelStudioError) return error;
  const code = codeOf(error);
  const dir = dirname(target);
  const name = printable(basename(path));
  if (code === 'EACCES' || code === 'EPERM') {
    const dirWritable = await access(dir, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!dirWritable)
      return new KernelStudioError(
        'io',
        `Could not save ${name}: the folder ${printable(dir)} is not writable, and a safe save replaces the file through its folder${
          target === path ? '' : ` (${printable(path)} links to ${printable(target)})`
        }.`,
      );
  }
  if (code === 'ENOENT')
    return new KernelStudioError(
      'io',
      `Could not save ${name}: the folder ${printable(dir)} does not exist.`,
    );
  return new KernelStudioError('io', `Could not save ${name}: ${describeFsError(error)}`);
}

/**
 * What a save to `path` will replace, checked: no other user's link on the way, a folder that
 * exists, and a regular file or nothing at the final target (a FIFO or a device is refused).
 */
async function checkedTarget(path: string): Promise<{ target: string; existing: Stats | undefined }> {
  const target = await resolveTarget(path);
  const existing = await stat(target).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isDirectory()) throw fsError('EISDIR', `${target} is a folder`);
  if (existing && !existing.isFile())
    throw new KernelStudioError(
      'io',
      `Could not save ${printable(basename(path))}: it is ${kindOf(existing)}, not a regular file; a save replaces regular files only. Choose another name.`,
    );
  if (!existing && !(await stat(dirname(target)).catch(() => undefined))?.isDirectory())
    throw fsError('ENOENT', `no folder ${dirname(target)}`);
  return { target, existing };
}

/**
 * Checks, before any work, that a save to `path` can go ahead (`train --out` into a missing
 * folder fails at once, not after training): the same checks and messages as the save itself.
 */
export async function checkSaveTarget(path: string): Promise<void> {
  try {
    await checkedTarget(path);
  } catch (error) {
    throw await saveFailure(path, path, error);
  }
}

/** How a save treats the file's mode. */
export interface SaveOptions {
  /** The app's own data (autosave, recent files): the file is made 0600 whatever it was. */
  readonly private?: boolean;
}

/**
 * Saves `data` so that a crash at any point leaves either the old file or the new one, never a
 * torn mix: a temp file in the target's folder, fsync, rename over the target, fsync the folder.
 * Like write-file-atomic, it resolves the user's own symlinks first (the link stays a link; its
 * target gets the new content), but never another user's (checkLinks); it keeps an existing
 * file's mode and owner (a 0600 file stays 0600). Only a regular file is replaced: a FIFO or a
 * device is refused. A file with other hard links gets a new inode: the other names keep the old
 * content (docs/security.md). Stale temp files of ours from earlier crashes there are removed first.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: SaveOptions = {},
): Promise<void> {
  let target = path;
  let temp: string | undefined;
  let handle: FileHandle | undefined;
  try {
    const checked = await checkedTarget(path);
    target = checked.target;
    const { existing } = checked;
    const dir = dirname(target);
    await removeStaleTemps(dir);
    temp = join(dir, tempNameOf(target));
    const mode = options.private ? 0o600 : existing ? existing.mode & 0o7777 : 0o666;
    handle = await open(temp, 'wx', mode);
    if (existing || options.private) {
      // open() applies the umask; put the exact old mode (and, as root, the old owner) back.
      await handle.chmod(mode);
      if (existing && process.getuid?.() === 0)
        await handle.chown(existing.uid, existing.gid).catch(() => undefined);
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

/**
 * Opens a log file of the app's for appending, through the same link check as a save: the
 * user's own links are followed, another user's refused, the last name never followed blindly
 * (O_NOFOLLOW on the checked target), and a new file is made 0600.
 */
export async function openPrivateLog(path: string): Promise<FileHandle> {
  const target = await resolveTarget(path);
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) throw fsError('EISDIR', `${target} is a folder`);
  if (info && !info.isFile())
    throw new KernelStudioError('io', `${printable(basename(path))} is ${kindOf(info)}, not a regular file.`);
  const handle = await open(
    target,
    constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  await handle.chmod(0o600).catch(() => undefined);
  return handle;
}

/** A file-system error with its code, for errors we find ourselves (describeFsError words them). */
function fsError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * Makes `dir` (and any missing parents) as a private folder, 0700, one level at a time, so a
 * failure carries its real cause (EROFS: "the disk is read-only", where Node's recursive mkdir
 * says "ENOENT … mkdir" on a read-only mount). An existing folder with wider modes is tightened
 * to 0700. Throws a file-system error (with its code) when the folder cannot be made; answers
 * the reason, in words, when it exists but could not be made private (the caller tells the
 * user), else null.
 */
export function makePrivateFolder(dir: string): string | null {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const info = statSafe(at);
    if (info) {
      if (!info.isDirectory()) throw fsError('EEXIST', `${at} is not a folder`);
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
    }
  }
  const info = statSync(dir);
  if (!info.isDirectory()) throw fsError('EEXIST', `${dir} is not a folder`);
  if (process.platform === 'win32' || (info.mode & 0o077) === 0) return null;
  try {
    chmodSync(dir, 0o700);
    return null;
  } catch (error) {
    return describeFsError(error);
  }
}

function statSafe(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
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
