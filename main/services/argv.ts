import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { WORKSPACE_EXTENSION } from '#core/workspace/model';

/**
 * The `.kstudio` workspaces among a command line: what the OS passes when a workspace is
 * double-clicked (file association on Windows and Linux), at first launch or, through the
 * single-instance lock, to the running app. Electron's own arguments come first: the
 * executable, and in development the app folder too. Flags and missing files are ignored.
 */
export function workspacePaths(
  argv: readonly string[],
  packaged: boolean,
  exists: (path: string) => boolean = existsSync,
): string[] {
  return argv
    .slice(packaged ? 1 : 2)
    .filter(
      (arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith(`.${WORKSPACE_EXTENSION}`) && exists(arg),
    )
    .map((arg) => resolve(arg));
}
