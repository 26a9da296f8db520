/**
 * Main's file access, through the one Node implementation the CLI shares (node/files.ts):
 * atomic saves that keep modes and symlinks, size-checked reads of regular files only.
 */
import { basename } from 'node:path';
import { readRegularFile } from '../../node/files';

export { describeFsError, makePrivateFolder, writeFileAtomic } from '../../node/files';

/** Reads a regular file of at most `maxBytes` as bytes; anything else is refused before it is read. */
export async function readBytesFile(path: string, maxBytes: number): Promise<Uint8Array> {
  return readRegularFile(path, maxBytes, basename(path));
}

/** Like readBytesFile, decoded as UTF-8 (invalid sequences become U+FFFD; the workspace parser then refuses the text). */
export async function readTextFile(path: string, maxBytes: number): Promise<string> {
  return readRegularFile(path, maxBytes, basename(path)).toString('utf8');
}
