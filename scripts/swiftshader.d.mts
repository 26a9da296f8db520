export declare const SWIFTSHADER_ICD: string;
export declare function swiftShaderEnv(env?: Record<string, string | undefined>): {
  VK_ICD_FILENAMES?: string;
};
