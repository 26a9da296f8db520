import { basename, join } from 'node:path';
import { z } from 'zod';
import type { RecentFile } from '../../ipc/contract';
import { readTextFile, writeFileAtomic } from './atomic-file';

const MAX_RECENT = 10;
const recentFileSchema = z.strictObject({
  version: z.literal(1),
  files: z
    .array(
      z.strictObject({
        path: z.string().min(1).max(4096),
        name: z.string().max(255),
        openedAt: z.string().max(64),
      }),
    )
    .max(100),
});

/**
 * Main's list of recently opened or saved workspaces, newest first, kept in
 * `<dataDir>/recent.json`. A missing or damaged file just means an empty list.
 */
export class RecentFiles {
  private files: RecentFile[] | null = null;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly onChange: (files: readonly RecentFile[]) => void = () => undefined,
  ) {
    this.file = join(dataDir, 'recent.json');
  }

  async list(): Promise<RecentFile[]> {
    if (this.files === null) {
      try {
        const text = await readTextFile(this.file, 1024 * 1024);
        const parsed = recentFileSchema.safeParse(JSON.parse(text));
        this.files = parsed.success ? parsed.data.files.slice(0, MAX_RECENT) : [];
      } catch {
        this.files = [];
      }
    }
    return [...this.files];
  }

  async has(path: string): Promise<boolean> {
    return (await this.list()).some((f) => f.path === path);
  }

  async add(path: string): Promise<void> {
    const rest = (await this.list()).filter((f) => f.path !== path);
    this.files = [{ path, name: basename(path), openedAt: new Date().toISOString() }, ...rest].slice(
      0,
      MAX_RECENT,
    );
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, files: this.files }, null, 2)}\n`, {
      private: true,
    });
    this.onChange(this.files);
  }
}
