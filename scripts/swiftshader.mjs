// Where Dawn for Node finds a Vulkan driver on a machine without a GPU: SwiftShader's, as Debian's
// chromium package installs it (Mesa's lavapipe 22.3 is too old for Dawn). One owner for the path:
// scripts (test-all, bench) and the CLI's cli/dawn.ts import it.
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * `{ VK_ICD_FILENAMES: SWIFTSHADER_ICD }` when `env` chooses no Vulkan driver and the file exists,
 * else `{}` (a GPU machine's own driver, or the caller's choice, wins).
 * @param {Record<string, string | undefined>} env
 * @returns {{ VK_ICD_FILENAMES?: string }}
 */
export function swiftShaderEnv(env = process.env) {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || !existsSync(SWIFTSHADER_ICD)) return {};
  return { VK_ICD_FILENAMES: SWIFTSHADER_ICD };
}
