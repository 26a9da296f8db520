/** An ISO 8601 time as the user's locale writes it (the backup banner and its question). */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString();
}
