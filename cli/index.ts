/**
 * The headless CLI: the same core (validation, CPU kernels, file formats) as the app,
 * without Electron, for scripts and CI. `main` returns the exit code instead of exiting,
 * so it can be driven from tests and from bin/kernel-studio.js alike.
 */
import { version } from '../package.json';
import { runCorr2d } from './corr2d';
import { CliError, EXIT_OK, describeFailure } from './errors';
import type { CliIo } from './io';
import { processIo } from './io';
import { runTrain } from './train';
import { USAGE } from './usage';

export const VERSION: string = version;

function dispatch(argv: readonly string[], io: CliIo): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined)
    throw new CliError('missing command; use corr2d or train (see kernel-studio --help).');
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT_OK;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === 'corr2d') return runCorr2d(rest, io);
  if (command === 'train') return runTrain(rest, io);
  throw new CliError(`unknown command "${command}"; use corr2d or train (see kernel-studio --help).`);
}

/** Runs one CLI invocation; every failure becomes one stderr line and an exit code, never a stack trace. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    const { exitCode, line } = describeFailure(error);
    io.stderr(`kernel-studio: ${line}\n`);
    if (process.env.KERNEL_STUDIO_DEBUG && error instanceof Error && error.stack)
      io.stderr(`${error.stack}\n`);
    return exitCode;
  }
}
