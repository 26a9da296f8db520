/**
 * Programs chosen per adapter. Software adapters (SwiftShader: a few CPU cores, 4-wide SIMD
 * lanes, barriers switch coroutines) want register strips with no barriers and small
 * workgroups; hardware GPUs want occupancy. On an H200 the strips reached 55–72% of the copy
 * roofline for 3×3 but 16% for 11×11 (~240 live values per thread), so on hardware the forward
 * pass keeps strips only for small kernels and uses shared-memory (workgroup) tiles above.
 */
export type ProgramTuning = 'software' | 'hardware';

export function tuningFor(isFallbackAdapter: boolean): ProgramTuning {
  return isFallbackAdapter ? 'software' : 'hardware';
}

/** On hardware, register strips up to 5×5; larger kernels use the workgroup-tiled program. */
export const HARDWARE_STRIP_MAX_TAPS = 25;

/** Rows of 16 threads per tiled workgroup: 4 keeps SwiftShader's barriers cheap, 16 fills a GPU's SM. */
export function tileGroupRows(tuning: ProgramTuning): number {
  return tuning === 'hardware' ? 16 : 4;
}
