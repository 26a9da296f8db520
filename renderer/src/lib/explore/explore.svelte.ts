/**
 * The Explore view's state: undoable edits of the document, the live output Y
 * (latest request wins, stale results are dropped) and the hovered output cell.
 */
import type { Matrix } from '../../../../core/matrix';
import type { Cell } from '../../../../core/grid-ops';
import { userMessage } from '../../../../core/errors';
import { outputShape } from '../../../../core/im2col';
import type { ComputeBackend, ForwardParams } from '../../../../core/types';
import type { LayerFields } from '../../../../core/layer-stack';
import { History } from '../../state/history.svelte';
import type { StudioDocument } from '../../state/studio.svelte';

/** What Explore's undo restores: the whole layer (X's channels, the kernels, biases, geometry, mode, activation). */
export type DocSnapshot = LayerFields;
/** An edit: layer fields, or the first channel/kernel/bias (`x`, `k`, `bias`) as today's editors make them. */
export type DocChange = Partial<LayerFields> & {
  readonly x?: Matrix;
  readonly k?: Matrix;
  readonly bias?: number;
};

export class ExploreSession {
  readonly history = new History<DocSnapshot>();
  hover = $state.raw<Cell | null>(null);
  showIm2col = $state(false);

  constructor(private readonly doc: StudioDocument) {}

  snapshot(): DocSnapshot {
    const d = this.doc;
    return {
      channels: d.channels,
      kernels: d.kernels,
      biases: d.biases,
      stride: d.stride,
      padding: d.padding,
      dilation: d.dilation,
      mode: d.mode,
      activation: d.activation,
    };
  }

  private restore(s: DocChange): void {
    Object.assign(this.doc, s);
  }

  /** Applies an edit as one undo step (or part of the step named `group`). */
  edit(change: DocChange, group?: string): void {
    const keys = Object.keys(change) as (keyof DocChange)[];
    if (keys.every((key) => change[key] === this.doc[key])) return;
    this.history.record(this.snapshot(), group);
    this.restore(change);
  }

  undo(): void {
    const s = this.history.undo(this.snapshot());
    if (s) this.restore(s);
  }

  redo(): void {
    const s = this.history.redo(this.snapshot());
    if (s) this.restore(s);
  }
}

/**
 * Y = backend.forward(X, K); while one pass runs, only the newest pending request is kept.
 * `recover` may take over a failure (a GPU out of memory moves work to the CPU, and the
 * new backend requests Y again): the old Y stays and no error is shown.
 */
export class LiveOutput {
  y = $state.raw<Matrix | null>(null);
  error = $state<string | null>(null);
  private running = false;
  private pending: (() => Promise<void>) | null = null;
  private generation = 0;
  private readonly recover: (backend: ComputeBackend, error: unknown) => boolean;

  constructor(recover: (backend: ComputeBackend, error: unknown) => boolean = () => false) {
    this.recover = recover;
  }

  request(backend: ComputeBackend | null, x: Matrix, k: Matrix, params: ForwardParams): void {
    const generation = ++this.generation;
    if (!backend) return;
    if (!outputShape(x, k)) {
      this.y = null;
      this.error = null;
      return;
    }
    this.pending = async () => {
      try {
        const y = await backend.forward(x, k, params);
        if (generation !== this.generation) return;
        this.y = y;
        this.error = null;
      } catch (e) {
        if (generation === this.generation && !this.recover(backend, e)) this.error = userMessage(e);
      }
    };
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.pending) {
      const job = this.pending;
      this.pending = null;
      await job();
    }
    this.running = false;
  }
}
