/** Shared by the compute tests: golden cases as engine inputs. */
import type { ForwardCase, TrainCase } from '../helpers/golden';
export { configFromCase } from '../helpers/golden';
import { loadGolden } from '../helpers/golden';

const golden = loadGolden();
export const forwardCases = golden.filter((c): c is ForwardCase => c.op === 'forward');
export const trainCases = golden.filter((c): c is TrainCase => c.op === 'train');
