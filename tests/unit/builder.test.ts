import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it } from 'vitest';

/**
 * The packaging config, checked offline with electron-builder's own code: its schema
 * validation, the fuse wiring it flips after packing, and its `files` matcher. Packaging
 * itself needs the Electron zip, which these machines cannot download.
 */
const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  files: string[];
  electronFuses: Record<string, boolean>;
  fileAssociations: Array<Record<string, string>>;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
}
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
};

// The package entry first: its modules import each other in a cycle that only resolves in that order.
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: {
    prototype: { generateFuseConfig(fuses: object): Promise<Record<string | number, unknown>> };
  };
};
interface BuilderConfigModule {
  validateConfiguration(config: object, logger: object): Promise<void>;
}
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as BuilderConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => object };
const { FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  FileMatcher: new (
    from: string,
    to: string,
    expand: (p: string) => string,
    patterns: string[],
  ) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder config', () => {
  it('passes electron-builder’s own schema validation (and a typo would not)', async () => {
    await expect(validateConfiguration({ ...config }, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, new DebugLogger(false)),
    ).rejects.toThrow(/electronFuses/);
  });

  it('builds AppImage + deb, NSIS and dmg, from an asar', () => {
    const c = config;
    expect(c.asar).toBe(true);
    expect(c.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(c.win.target).toEqual(expect.arrayContaining(['nsis']));
    expect(c.mac.target).toEqual(expect.arrayContaining(['dmg']));
    expect(c.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(c.productName).toBe('Kernel Studio');
    expect(pkg.scripts.dist).toMatch(/npm run build && electron-builder/);
  });

  it('flips the fuses the checklist asks for, through electron-builder’s fuse hook', async () => {
    // What electron-builder hands @electron/fuses right after packing (before signing).
    const wire = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
    expect(wire.version).toBe(FuseVersion.V1);
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(true);
  });

  it('packs the built app and package.json only: no tests, sources, docs or source maps', () => {
    const filter = new FileMatcher(root, '/app', (p) => p, config.files).createFilter();
    const file = { isDirectory: () => false };
    const packed = (path: string): boolean => filter(join(root, path), file);
    for (const path of [
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'package.json',
    ])
      expect(packed(path), path).toBe(true);
    for (const path of [
      'out/main/index.js.map',
      'out/renderer/assets/index-abc.js.map',
      'tests/unit/handlers.test.ts',
      'tests/golden/corr2d.json',
      'main/index.ts',
      'core/matrix.ts',
      'renderer/src/App.svelte',
      'ipc/contract.ts',
      'docs/security.md',
      'scripts/test-all.mjs',
      'bench/run.mjs',
    ])
      expect(packed(path), path).toBe(false);
    expect(pkg.main).toBe('./out/main/index.js');
  });

  it('associates .kstudio workspaces with the app', () => {
    const [association] = config.fileAssociations;
    expect(association).toMatchObject({ ext: 'kstudio', role: 'Editor', icon: 'icon' });
    expect(association!.mimeType).toMatch(/^application\/x-/);
  });
});

describe('icons in build/', () => {
  it('has the Linux PNG set at their stated sizes, and a 512² icon.png', () => {
    expect(pngSize(readFileSync(join(root, 'build/icon.png')))).toEqual([512, 512]);
    for (const size of [16, 32, 48, 64, 128, 256, 512])
      expect(pngSize(readFileSync(join(root, `build/icons/${size}x${size}.png`))), `${size}`).toEqual([
        size,
        size,
      ]);
  });

  it('has a Windows .ico with 16, 32, 48 and 256 px images', () => {
    const ico = readFileSync(join(root, 'build/icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    const sizes: number[] = [];
    for (let i = 0; i < ico.readUInt16LE(4); i++) {
      const entry = 6 + 16 * i;
      const width = ico[entry] || 256;
      const [length, offset] = [ico.readUInt32LE(entry + 8), ico.readUInt32LE(entry + 12)];
      expect(pngSize(ico.subarray(offset, offset + length))).toEqual([width, width]);
      sizes.push(width);
    }
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });

  it('has a macOS .icns whose entries hold PNGs of the sizes their types say, up to 512', () => {
    const icns = readFileSync(join(root, 'build/icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const expected: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      icp6: 64,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
    };
    const found: number[] = [];
    for (let at = 8; at < icns.length;) {
      const type = icns.subarray(at, at + 4).toString('latin1');
      const length = icns.readUInt32BE(at + 4);
      if (type in expected) {
        expect(pngSize(icns.subarray(at + 8, at + length)), type).toEqual([expected[type], expected[type]]);
        found.push(expected[type]!);
      }
      at += length;
    }
    expect(Math.max(...found)).toBeGreaterThanOrEqual(512);
    expect(statSync(join(root, 'build/icon.icns')).size).toBeGreaterThan(1000);
  });
});
