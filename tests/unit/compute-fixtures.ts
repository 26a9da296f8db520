/** Shared by the compute tests: golden cases as engine inputs. */
import { fromRows } from '../../core/matrix';
import type { TrainConfig } from '../../core/types';
import type { ForwardCase, TrainCase } from '../helpers/golden';
import { loadGolden } from '../helpers/golden';

const golden = loadGolden();
export const forwardCases = golden.filter((c): c is ForwardCase => c.op === 'forward');
export const trainCases = golden.filter((c): c is TrainCase => c.op === 'train');

/** The golden train case as the config every backend takes (plain SGD, as in the seeds). */
export function configFromCase(c: TrainCase): TrainConfig {
  return {
    x: fromRows(c.x),
    y: fromRows(c.y),
    mode: c.mode,
    activation: c.activation,
    useBias: c.use_bias,
    loss: c.loss,
    optimizer: { kind: 'sgd', lr: c.lr },
    initWeight: fromRows(c.init.weight),
    initBias: c.init.bias,
  };
}
