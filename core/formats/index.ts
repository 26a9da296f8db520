/** Kernel file formats: pure (bytes in, bytes out), shared by the app's export dialog and the CLI. */
export { exportKernel, importKernel, extensionOf, modeDescription, EXPORT_FORMATS } from './kernelExport';
export type { ExportFormat, ExportedFile } from './kernelExport';
export { parseMatrixJson, serializeMatrixJson, parseMatrixCsv, serializeMatrixCsv } from './matrixText';
export { encodeNpy, encodeNpyArray, decodeNpy, decodeNpyArray, readNpyHeader } from './npy';
export type { NpyHeader } from './npy';
export {
  encodeSafetensors,
  encodeSafetensorsTensors,
  decodeSafetensors,
  readSafetensorsHeader,
} from './safetensors';
export type { NamedTensor, SafetensorsKernel, WeightContent } from './safetensors';
export { exportLayer, layerExportProblem, layerSnippet, frameworkWeights } from './layerExport';
export type { LayerExport } from './layerExport';
export {
  IMAGEMAGICK_PROGRAMS,
  imageMagickKernel,
  imageMagickMethod,
  imageMagickCommand,
  imageMagickExport,
} from './imagemagick';
export { pytorchSnippet, mxnetSnippet } from './snippets';
export { formatFloat32, formatPythonFloat, parseDecimal, DECIMAL_NUMBER } from './numbers';
export { encodeUtf8, decodeUtf8 } from './utf8';
