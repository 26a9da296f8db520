/** Reading matrices from disk and writing results atomically, with one-line errors naming the file. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { extensionOf, importKernel } from '../core/formats';
import type { Matrix } from '../core/matrix';
import { CliError } from './errors';
import { decodeJpegGray, decodePngGray } from './image';

/** Turns a Node fs error into a short reason ("no such file", …). */
function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Reads a file fully; failures become a CliError naming the path. */
export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`${path}: ${fsReason(e)}.`);
  }
}

/** Loads a matrix from .json, .csv, .npy, .png, .jpg or .jpeg; images become grayscale in 0..1. */
export function readMatrixFile(path: string): Matrix {
  const bytes = readBytes(path);
  const extension = extensionOf(path);
  if (extension === 'png') return decodePngGray(bytes, path);
  if (extension === 'jpg' || extension === 'jpeg') return decodeJpegGray(bytes, path);
  if (
    extension === 'json' ||
    extension === 'csv' ||
    extension === 'tsv' ||
    extension === 'txt' ||
    extension === 'npy'
  )
    return importKernel(bytes, path);
  throw new CliError(`${path}: unknown file type; use .json, .csv, .npy, .png, .jpg or .jpeg.`);
}

/**
 * Writes through a temp file in the same folder, fsyncs it, then renames it over the
 * target: readers never see a half-written file, and a crash leaves the old one intact.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may not exist; nothing else to clean up.
    }
    throw new CliError(`${path}: cannot write (${fsReason(e)}).`);
  }
}
