/** An ISO 8601 time as the UI's language writes it (`tag`, e.g. 'zh-CN'): the backup banner and its question. */
export function localTime(iso: string, tag?: string): string {
  return new Date(iso).toLocaleString(tag);
}
