import { mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupInfo } from '../../ipc/contract';
import { KernelStudioError } from '../../core/errors';
import { readTextFile, writeFileAtomic } from './atomic-file';
import { ioErrorOf, isErrnoError } from './io-errors';

/**
 * The autosave of unsaved work: one file, `<dataDir>/autosave/backup.kstudio`,
 * replaced atomically on each write and deleted after a successful save.
 * If the app crashes, the next launch finds it and offers to restore it.
 */
export class BackupStore {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly maxBytes: number,
  ) {
    this.file = join(dataDir, 'autosave', 'backup.kstudio');
  }

  async write(text: string): Promise<void> {
    const folder = join(this.file, '..');
    try {
      await mkdir(folder, { recursive: true });
      await writeFileAtomic(this.file, text);
    } catch (error) {
      if (isErrnoError(error)) throw ioErrorOf(error, `Could not write the autosave in ${folder}`);
      if (error instanceof KernelStudioError)
        throw new KernelStudioError(error.code, `The autosave failed. ${error.message}`);
      throw error;
    }
  }

  async read(): Promise<BackupInfo | null> {
    let savedAt: string;
    try {
      savedAt = (await stat(this.file)).mtime.toISOString();
    } catch {
      return null;
    }
    return { text: await readTextFile(this.file, this.maxBytes), savedAt };
  }

  async clear(): Promise<void> {
    await unlink(this.file).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    });
  }
}
