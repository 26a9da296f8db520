/** The workspace worker (Web Worker): parses or writes one workspace's text for workspace-text.ts. */
import { buffersIn, runWorkspaceJob, type WorkspaceJob } from './workspace-text';

const scope = self as unknown as {
  onmessage: ((e: { data: WorkspaceJob }) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
};
scope.onmessage = (e) => {
  const result = runWorkspaceJob(e.data);
  // A parsed document's grids are handed to the page, not copied (this worker ends with the job).
  scope.postMessage(result, result.ok ? buffersIn(result.value) : []);
};
