/**
 * Plain Node ends the process on an unhandled promise rejection
 * (`--unhandled-rejections=throw`); Electron's main process only warns
 * (its default is `warn`). Neither is what Kernel Studio wants: one stray
 * failure must not close the app with unsaved work, and it must not go
 * unnoticed either. So both hosts log it and keep running.
 */
export function keepRunningOnUnhandledRejection(
  write: (line: string) => void,
  target: Pick<NodeJS.Process, 'on'> = process,
): void {
  target.on('unhandledRejection', (reason: unknown) => {
    const what = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    write(`unhandled promise rejection (kept running): ${what}`);
  });
}
