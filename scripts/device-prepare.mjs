#!/usr/bin/env node
// Prepares tmp/device/ for scripts/device-bench.sh on a GPU machine that has no Node, no
// node_modules, no Chromium and no network (see docs/performance.md, "On a real GPU"):
//   harness.mjs, assets/        bench/node/device-harness.ts bundled with everything but `webgpu`
//   node_modules/webgpu/        Dawn for Node: index.js, package.json, dist/linux-x64/dawn.node.xz
//   node.xz                     this machine's Node binary
//   golden/*.json               the golden cases
//   debs/*.deb                  Debian 12's Vulkan/GL loaders (`--debs`: apt-get download; needs the archive)
// Then: run scripts/device-bench.sh there, carrying tmp/device (about 35 MB).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const root = join(import.meta.dirname, '..');
const out = join(root, 'tmp/device');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: join(root, 'bench/node/device-harness.ts'),
    outDir: out,
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    rollupOptions: { external: ['webgpu'], output: { format: 'es', entryFileNames: 'harness.mjs' } },
  },
  ssr: { target: 'node', noExternal: true },
});

const dawn = join(root, 'node_modules/webgpu');
const dawnOut = join(out, 'node_modules/webgpu');
mkdirSync(join(dawnOut, 'dist/linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json']) copyFileSync(join(dawn, f), join(dawnOut, f));
const xz = (src, dst) => execFileSync('sh', ['-c', `xz -9 -T0 -c "${src}" > "${dst}"`]);
xz(join(dawn, 'dist/linux-x64/dawn.node'), join(dawnOut, 'dist/linux-x64/dawn.node.xz'));
xz(process.execPath, join(out, 'node.xz'));
cpSync(join(root, 'tests/golden'), join(out, 'golden'), {
  recursive: true,
  filter: (src) => !src.includes(`${join('golden', 'layer')}`),
});
if (process.argv.includes('--debs')) {
  mkdirSync(join(out, 'debs'), { recursive: true });
  execFileSync(
    'apt-get',
    ['download', 'libvulkan1', 'libglvnd0', 'libegl1', 'libgl1', 'libglx0', 'libgles2', 'libopengl0'],
    {
      cwd: join(out, 'debs'),
      stdio: 'inherit',
    },
  );
}
console.log(`prepared ${out}: ${readdirSync(out).join(', ')}`);
