/**
 * The full layer's live output: Y (O×Ho×Wo) from the backend's `forwardLayer` for the document's
 * channels, kernels, biases and geometry (the single-channel valid layer takes the engine's
 * fast path by itself). The shape comes from core/layer, or the one-line reason there is none.
 * The newest request wins; older results are dropped.
 */
import { userMessage } from '#core/errors';
import { layerOutputShape, type Shape2 } from '#core/layer';
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

/**
 * The most multiply-adds one live pass of Y may take: Explore recomputes Y on every edit, and
 * past this (about 3 s on a laptop's CPU, 15 s under software WebGPU) the app would seem frozen.
 * A layer over it gets no Y, and a message that says why; the CLI has no such budget.
 */
export const LIVE_PASS_BUDGET = 2e9;

/** Multiply-adds of one forward pass: O × C × Ho × Wo × kh × kw. */
export function passMultiplyAdds(layer: LayerFields, shape: Shape2): number {
  const k = layer.kernels[0]?.[0];
  return layer.kernels.length * layer.channels.length * shape.rows * shape.cols * (k ? k.rows * k.cols : 0);
}

/** Why Y of `layer` is not computed live, or null when it fits the budget. */
export function overBudget(layer: LayerFields, shape: Shape2): string | null {
  const cost = passMultiplyAdds(layer, shape);
  if (cost <= LIVE_PASS_BUDGET) return null;
  const k = layer.kernels[0]![0]!;
  const terms = `${layer.kernels.length} × ${layer.channels.length} × ${shape.rows} × ${shape.cols} × ${k.rows} × ${k.cols}`;
  return (
    `Y is not computed live: it takes ${cost.toExponential(1)} multiply-adds (O × C × Ho × Wo × kh × kw = ${terms}), ` +
    `over the budget of ${LIVE_PASS_BUDGET.toExponential(0)} per pass. Use fewer channels, a smaller X or a smaller ` +
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
    if (refusal !== null) {
      this.y = null;
      this.error = refusal;
      return Promise.resolve();
    }
    return new Promise((done) => {
      this.pending?.done();
      this.pending = { run: () => this.compute(backend, layer, generation), done };
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

  private async compute(backend: ComputeBackend, layer: LayerFields, generation: number): Promise<void> {
    try {
      const y = await backend.forwardLayer(
        stackChannels(layer.channels),
        stackKernels(layer.kernels),
        layer.biases,
        specOfLayer(layer),
      );
      if (generation !== this.generation) return;
      // For `npm run bench:app` (edit → painted Y): when the newest Y arrived.
      benchMark('ks:y-computed');
      this.y = y;
      this.error = null;
    } catch (e) {
      if (generation !== this.generation) return;
      if (this.onFailure?.(backend, e)) return;
      this.error = userMessage(e);
    }
  }
}
