/**
 * The full layer's live output: Y (O×Ho×Wo) from the backend's `forwardLayer` for the document's
 * channels, kernels, biases and geometry (the single-channel valid layer takes the engine's
 * fast path by itself). The shape comes from core/layer, or the one-line reason there is none.
 * The newest request wins; older results are dropped.
 */
import { userMessage } from '#core/errors';
import { COMPUTE_BUDGET } from '#core/bounds';
import { layerOutputShape, multiplyAdds, multiplyAddsTerms, type Shape2 } from '#core/layer';
import { specOfLayer, stackChannels, stackKernels, type LayerFields } from '#core/layer-stack';
import type { ComputeBackend } from '#core/layer-types';
import type { Tensor3 } from '#core/tensor';
import { benchMark } from '../../state/bench-mark';

export type LayerShape =
  { readonly shape: Shape2; readonly error: null } | { readonly shape: null; readonly error: string };

/** Ho×Wo of the layer on X, or why it has none (the kernel does not fit, a bad geometry). */
export function layerShape(layer: LayerFields): LayerShape {
  try {
    return { shape: layerOutputShape(specOfLayer(layer), layer.channels[0]), error: null };
  } catch (e) {
    return { shape: null, error: userMessage(e) };
  }
}

/** Why Y of `layer` is not computed live (core/bounds' COMPUTE_BUDGET), or null when it fits the budget. */
export function overBudget(layer: LayerFields, shape: Shape2): string | null {
  const spec = specOfLayer(layer);
  const cost = multiplyAdds(spec, shape);
  if (cost <= COMPUTE_BUDGET) return null;
  return (
    `Y is not computed live: it takes ${cost.toExponential(1)} multiply-adds (${multiplyAddsTerms(spec, shape)}), ` +
    `over the budget of ${COMPUTE_BUDGET.toExponential(0)} per pass. Use fewer channels, a smaller X or a smaller ` +
    'kernel, or compute it with `kernel-studio corr2d`.'
  );
}

/**
 * One pass runs at a time; while it runs, only the newest request waits (older waiting ones are
 * dropped, and a result that is no longer the newest is not shown), so edits in quick succession
 * on a large X never pile passes up.
 */
export class LayerOutput {
  y = $state.raw<Tensor3 | null>(null);
  error = $state<string | null>(null);
  /**
   * The array of a Y no longer shown (the one before `y`, or a dropped result): the next pass of
   * the same size writes into it (the backend's `into`), so edits allocate no new Y. Never `y`'s.
   */
  private spare: Float32Array | null = null;
  private generation = 0;
  private running = false;
  private pending: { run: () => Promise<void>; done: () => void } | null = null;

  /**
   * `onFailure` is asked first when a pass fails: the compute state's out-of-memory failover
   * (true when it switched backends; the new backend then asks for Y again).
   */
  constructor(private readonly onFailure?: (backend: ComputeBackend, error: unknown) => boolean) {}

  /** Asks for Y of `layer`; resolves once this request has been computed or dropped for a newer one. */
  request(backend: ComputeBackend | null, layer: LayerFields): Promise<void> {
    const generation = ++this.generation;
    if (!backend) return Promise.resolve();
    const { shape, error } = layerShape(layer);
    // Refused before any work: a shape with no Y, or a pass over the live budget.
    const refusal = shape === null ? error : overBudget(layer, shape);
    if (shape === null || refusal !== null) {
      this.y = null;
      this.error = refusal;
      return Promise.resolve();
    }
    const count = specOfLayer(layer).outChannels * shape.rows * shape.cols;
    return new Promise((done) => {
      this.pending?.done();
      this.pending = { run: () => this.compute(backend, layer, generation, count), done };
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.pending) {
      const job = this.pending;
      this.pending = null;
      await job.run();
      job.done();
    }
    this.running = false;
  }

  private async compute(
    backend: ComputeBackend,
    layer: LayerFields,
    generation: number,
    count: number,
  ): Promise<void> {
    const into = this.spare?.length === count ? this.spare : undefined;
    this.spare = null;
    try {
      const y = await backend.forwardLayer(
        stackChannels(layer.channels),
        stackKernels(layer.kernels),
        layer.biases,
        specOfLayer(layer),
        into,
      );
      if (generation !== this.generation) {
        this.spare = y.data;
        return;
      }
      // For `npm run bench:app` (edit → painted Y): when the newest Y arrived.
      benchMark('ks:y-computed');
      const shown = this.y;
      this.y = y;
      if (shown && shown.data !== y.data) this.spare = shown.data;
      this.error = null;
    } catch (e) {
      if (generation !== this.generation) return;
      if (this.onFailure?.(backend, e)) return;
      this.error = userMessage(e);
    }
  }
}
