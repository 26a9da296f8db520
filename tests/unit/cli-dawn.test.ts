/** cli/dawn.ts: the reason given when Dawn for Node cannot be loaded, and the SwiftShader default. */
import { describe, expect, test } from 'vitest';
import { dawnUnavailable, preferSwiftShaderIcd } from '../../cli/dawn';
import { SWIFTSHADER_ICD, swiftShaderEnv } from '../../scripts/swiftshader.mjs';
import { existsSync } from 'node:fs';

describe('Dawn for Node', () => {
  test('a missing package says to install webgpu', async () => {
    // A real failed import of a package that is not installed, mapped to the user's line.
    const failure = await import(/* @vite-ignore */ `webgpu-not-installed-${process.pid}`).catch(
      (e: unknown) => e,
    );
    expect(dawnUnavailable(failure)).toBe(
      'WebGPU needs the optional package "webgpu" (Dawn for Node), which is not installed; run `npm install webgpu`.',
    );
    expect(dawnUnavailable(new Error('dawn.node: invalid ELF header\nmore'))).toBe(
      'the optional package "webgpu" (Dawn for Node) failed to load: dawn.node: invalid ELF header',
    );
  });

  test('SwiftShader only where no Vulkan driver is chosen and the file exists', () => {
    const env: NodeJS.ProcessEnv = {};
    const chosen = preferSwiftShaderIcd(env);
    if (existsSync(SWIFTSHADER_ICD)) {
      expect(chosen).toBe(SWIFTSHADER_ICD);
      expect(env.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICD);
    } else expect(chosen).toBeNull();
    expect(swiftShaderEnv({ VK_ICD_FILENAMES: '/x/icd.json' })).toEqual({});
    expect(swiftShaderEnv({ VK_DRIVER_FILES: '/x/nvidia_icd.json' })).toEqual({});
  });
});
