/** Minimal typings for the part of pngjs the CLI and its tests use (the package ships none). */
declare module 'pngjs' {
  export interface DecodedPng {
    width: number;
    height: number;
    /** RGBA, 8 bits per channel (pngjs rescales 16-bit input), or as stored with `skipRescale` (Uint16Array for 16-bit). */
    data: Uint8Array | Uint16Array;
    /** IHDR's bit depth. */
    depth?: number;
  }
  export class PNG implements DecodedPng {
    constructor(options: { width: number; height: number });
    width: number;
    height: number;
    data: Uint8Array;
    static sync: {
      read(buffer: Uint8Array, options?: { skipRescale?: boolean }): DecodedPng;
      write(png: PNG): Uint8Array;
    };
  }
}
