/** Where the CLI writes; injected so commands can also run inside a test process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Set once stdout's reader has gone (`… | head -1`): later output is dropped, the work goes on. */
let stdoutClosed = false;
let watching = false;

/** Writes to stdout; a closed pipe (EPIPE) ends output quietly, never with a stack trace or exit 1. */
function writeStdout(text: string): void {
  if (!watching) {
    watching = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stdoutClosed = true;
    });
  }
  if (!stdoutClosed) process.stdout.write(text);
}

export const processIo: CliIo = {
  stdout: writeStdout,
  stderr: (text) => process.stderr.write(text),
};
