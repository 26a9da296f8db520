export declare const BUILD_OUTPUTS: string[];
export declare function sourceFingerprint(root: string): string;
export declare function beginBuild(root: string): void;
export declare function finishBuild(root: string): void;
export declare function isBuildCurrent(root: string): boolean;
export declare function ensureBuilt(
  root: string,
  say?: (line: string) => void,
  buildOutput?: 'inherit' | NodeJS.WritableStream,
): boolean;
