/**
 * A performance mark for `npm run bench:app` (bench/app/): the bench observes marks as they are
 * made; only the newest of each name is kept, so the timeline never grows during a long session.
 */
export function benchMark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}
