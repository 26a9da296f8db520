/** Playwright globalSetup: fails the run when a sentinel file outside the temp folders changed (see sentinels.ts). */
import { assertSentinelsUnchanged, takeSentinels } from './sentinels';

export default function globalSetup(): () => void {
  const before = takeSentinels();
  return () => assertSentinelsUnchanged(before, 'The Playwright tests');
}
