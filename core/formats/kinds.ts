/**
 * The file kinds each use reads, by extension (lower case, no dot). The readers, their "unknown
 * file type" messages, the CLI's --help and the Open dialogs' filters all derive from this list.
 */
export const IMPORT_KINDS = {
  /** A grid read as a kernel (K, the initial kernel, a drawn target): the app's Import and the CLI's --k / --init. */
  kernel: ['json', 'csv', 'tsv', 'txt', 'npy', 'safetensors'],
  /** Images the CLI decodes (grey in 0..1, or R, G, B with --color). */
  cliImage: ['png', 'jpg', 'jpeg'],
  /** Images the app imports as X (the browser decodes them; 16-bit PNGs the app itself). */
  appImage: ['png', 'jpg', 'jpeg', 'webp'],
} as const satisfies Record<string, readonly string[]>;

/** The CLI reads X and Y from any kernel file or image. */
export const CLI_ARRAY_KINDS: readonly string[] = [...IMPORT_KINDS.kernel, ...IMPORT_KINDS.cliImage];

/** ".json, .csv, .npy or .safetensors": a list of kinds as a message writes it. */
export function kindList(kinds: readonly string[]): string {
  const dotted = kinds.map((k) => `.${k}`);
  return dotted.length < 2
    ? dotted.join('')
    : `${dotted.slice(0, -1).join(', ')} or ${dotted[dotted.length - 1]}`;
}

/** The MIME type of an image kind (jpg and jpeg are both image/jpeg). */
export function imageMime(kind: string): string {
  return `image/${kind === 'jpg' ? 'jpeg' : kind}`;
}
