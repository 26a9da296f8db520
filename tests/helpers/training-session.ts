/**
 * A document's training session as the Train view makes it, over main's real handlers (`call`
 * dispatches to them): run lists and loss logs go to main, and it is registered as the
 * document's session (`trainingFor`).
 */
import type { ComputeBackend } from '#core/layer-types';
import { createCpuBackend } from '#core/cpu/index';
import { ComputeState } from '../../renderer/src/state/compute.svelte';
import type { StudioDocument } from '../../renderer/src/state/studio.svelte';
import { LossCharts } from '../../renderer/src/state/training-charts.svelte';
import { TrainingSession, trainingFor } from '../../renderer/src/state/training.svelte';
import { englishRunNamer, type RunNamer } from '../../renderer/src/state/training-setup';
import type { CallMain } from '../../renderer/src/state/workspace.svelte';

export function documentTraining(
  doc: StudioDocument,
  call: CallMain,
  namer: RunNamer = englishRunNamer,
  backend: ComputeBackend = createCpuBackend(),
): { session: TrainingSession; charts: LossCharts } {
  const compute = new ComputeState();
  compute.backend = backend;
  const charts = new LossCharts(
    {
      readLoss: (id) => call('readLoss', id),
      getRunList: (id) => call('getRunList', id),
      setRunList: (id, runs) => call('setRunList', id, runs),
      onLossPoints: () => () => undefined,
      onRunList: () => () => undefined,
    },
    doc.id,
  );
  // The session keeps its own effect root (it lives as long as its document).
  const session = new TrainingSession(doc, compute, charts, (batch) => call('appendLoss', batch), namer);
  trainingFor(doc, () => ({ session, charts }));
  return { session, charts };
}
