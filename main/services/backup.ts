import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BACKUP_ID_PATTERN, type BackupInfo } from '../../ipc/contract';
import { KernelStudioError } from '#core/errors';
import { WORKSPACE_EXTENSION } from '#core/workspace/model';
import { makePrivateFolder, readTextFile, writeFileAtomic } from './atomic-file';
import { ioErrorOf, isErrnoError } from './io-errors';

/**
 * The autosave of unsaved work: one file per renderer session,
 * `<dataDir>/autosave/<session>.kstudio`, replaced atomically on each write.
 * A later session is offered the newest backup that is not its own; every
 * backup stays on disk until the user restores or discards it (or its own
 * session saves), so newer work never overwrites an older unanswered backup.
 */
export class BackupStore {
  readonly dir: string;

  constructor(
    dataDir: string,
    private readonly maxBytes: number,
  ) {
    this.dir = join(dataDir, 'autosave');
  }

  fileOf(id: string): string {
    if (!BACKUP_ID_PATTERN.test(id)) throw new Error(`Not a backup id: ${id}`);
    return join(this.dir, `${id}.${WORKSPACE_EXTENSION}`);
  }

  async write(text: string, session: string): Promise<void> {
    try {
      makePrivateFolder(this.dir);
      await writeFileAtomic(this.fileOf(session), text, { private: true });
    } catch (error) {
      if (isErrnoError(error)) throw ioErrorOf(error, `Could not write the autosave in ${this.dir}`);
      if (error instanceof KernelStudioError)
        throw new KernelStudioError(error.code, `The autosave failed. ${error.message}`);
      throw error;
    }
  }

  /** The newest backup left by another session, and how many more there are. */
  async read(session: string): Promise<BackupInfo | null> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: { id: string; mtime: number }[] = [];
    for (const name of names) {
      const suffix = `.${WORKSPACE_EXTENSION}`;
      const id = name.slice(0, -suffix.length);
      if (!name.endsWith(suffix) || id === session || !BACKUP_ID_PATTERN.test(id)) continue;
      const info = await stat(join(this.dir, name)).catch(() => null);
      if (info?.isFile()) found.push({ id, mtime: info.mtimeMs });
    }
    if (found.length === 0) return null;
    found.sort((a, b) => b.mtime - a.mtime);
    const newest = found[0];
    return {
      id: newest.id,
      text: await readTextFile(this.fileOf(newest.id), this.maxBytes),
      savedAt: new Date(newest.mtime).toISOString(),
      more: found.length - 1,
    };
  }

  async clear(id: string): Promise<void> {
    await unlink(this.fileOf(id)).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    });
  }
}
