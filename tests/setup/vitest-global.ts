/** Vitest globalSetup: fails the run when a sentinel file outside the temp folders changed (see sentinels.ts). */
import { changedSentinels, sentinelMessage, takeSentinels } from './sentinels';

export default function setup(): () => void {
  const before = takeSentinels();
  return () => {
    const changed = changedSentinels(before);
    if (changed.length === 0) return;
    // Vitest only logs an error thrown here ("error during close") and still exits 0.
    console.error(`\n${sentinelMessage('The unit tests', changed)}\n`);
    process.exitCode = 1;
  };
}
