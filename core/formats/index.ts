/** Kernel and layer file formats: pure (bytes in, bytes out), shared by the app's export dialog and the CLI. */
export { importKernel, extensionOf } from './kernelImport';
export { parseMatrixJson, serializeMatrixJson, parseMatrixCsv, serializeMatrixCsv } from './matrixText';
export { encodeNpy, encodeNpyArray, decodeNpy, decodeNpyArray, readNpyHeader } from './npy';
export type { NpyHeader } from './npy';
export { encodeSafetensorsTensors, decodeSafetensors, readSafetensorsHeader } from './safetensors';
export type { NamedTensor, SafetensorsKernel, WeightContent } from './safetensors';
export {
  EXPORT_FORMATS,
  exportLayer,
  layerExportProblem,
  layerSnippet,
  frameworkWeights,
  modeDescription,
} from './layerExport';
export type { ExportFormat, ExportedFile, LayerExport } from './layerExport';
export {
  IMAGEMAGICK_PROGRAMS,
  imageMagickKernel,
  imageMagickMethod,
  imageMagickCommand,
  imageMagickExport,
} from './imagemagick';
export { formatFloat32, formatPythonFloat, parseDecimal, DECIMAL_NUMBER } from './numbers';
export { encodeUtf8, decodeUtf8 } from './utf8';
