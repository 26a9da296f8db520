#!/usr/bin/env node
// Whether out/ was built from the sources as they are now, so `npm start` and
// `npm run start:browser` build only when something changed (issue 21 §3).
//
// The sources' fingerprint is a hash of every input file's path, size and modification time.
// Inputs are everything under the repository except what cannot affect the build (the list
// below): a new source folder counts without anyone adding it here, and a false "changed"
// costs one build, never a stale app.
//
//   node scripts/build-state.mjs begin   (npm's prebuild) remembers the fingerprint the build starts from
//   node scripts/build-state.mjs done    (end of `npm run build`) records it as built
//   node scripts/build-state.mjs check   exits 0 when out/ is current, 1 when it needs a build
//   node scripts/build-state.mjs ensure  builds unless out/ is current
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Top-level folders that are outputs, tests, docs or tooling state, never build inputs. */
const NOT_INPUTS = new Set([
  'node_modules',
  'out',
  'dist',
  'coverage',
  'test-results',
  'playwright-report',
  'tmp',
  'tests',
  'docs',
  'bench',
  'shared',
]);

/** The files `npm run build` writes into out/, which must all exist for it to count as built. */
export const BUILD_OUTPUTS = [
  'main/index.js',
  'main/browser.js',
  'preload/index.cjs',
  'renderer/index.html',
  'cli/index.js',
];

const STAMP = '.build-stamp.json';
const PENDING = '.build-pending.json';

function isInput(path, top) {
  const name = path.slice(path.lastIndexOf(sep) + 1);
  if (name.startsWith('.')) return false; // .git, .ci, editor files
  if (top && NOT_INPUTS.has(name)) return false;
  return !name.endsWith('.md');
}

/** A hash of every build input's relative path, size and modification time under `root`. */
export function sourceFingerprint(root) {
  const rows = [];
  const walk = (dir, top) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (!isInput(path, top)) continue;
      if (entry.isDirectory()) walk(path, false);
      else if (entry.isFile()) {
        const info = statSync(path);
        rows.push(`${relative(root, path).split(sep).join('/')}\0${info.size}\0${info.mtimeMs}`);
      }
    }
  };
  walk(root, true);
  rows.sort();
  return createHash('sha256').update(rows.join('\n')).digest('hex');
}

function readStamp(path) {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value?.fingerprint === 'string' ? value.fingerprint : undefined;
  } catch {
    return undefined;
  }
}

/** Called before a build: the build about to run is from these sources; out/ is not current until it ends. */
export function beginBuild(root) {
  const out = join(root, 'out');
  mkdirSync(out, { recursive: true });
  rmSync(join(out, STAMP), { force: true });
  writeFileSync(join(out, PENDING), JSON.stringify({ fingerprint: sourceFingerprint(root) }));
}

/**
 * Called after a successful build: records the fingerprint taken when it began (so a file saved
 * during the build still counts as changed), or the current one when no begin was recorded.
 */
export function finishBuild(root) {
  const out = join(root, 'out');
  const pending = join(out, PENDING);
  if (existsSync(pending)) renameSync(pending, join(out, STAMP));
  else writeFileSync(join(out, STAMP), JSON.stringify({ fingerprint: sourceFingerprint(root) }));
}

/** Whether out/ holds a complete build of the sources under `root` as they are now. */
export function isBuildCurrent(root) {
  const out = join(root, 'out');
  if (!BUILD_OUTPUTS.every((file) => existsSync(join(out, file)))) return false;
  const built = readStamp(join(out, STAMP));
  return built !== undefined && built === sourceFingerprint(root);
}

/**
 * Builds with `npm run build` unless out/ is current; returns false when the build failed.
 * `say` reports which, so a launch says why it is (or is not) building; the build's own output goes
 * to `buildOutput` (a bench sends it to stderr, keeping stdout for its JSON).
 */
export function ensureBuilt(root, say = console.log, buildOutput = 'inherit') {
  if (isBuildCurrent(root)) {
    say('Kernel Studio: the build in out/ is current (no rebuild).');
    return true;
  }
  say('Kernel Studio: sources changed since the last build; building…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', '-s', 'build'], {
    cwd: root,
    stdio: ['inherit', buildOutput, 'inherit'],
    shell: process.platform === 'win32',
  });
  return build.status === 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(import.meta.dirname, '..');
  const command = process.argv[2];
  if (command === 'begin') beginBuild(root);
  else if (command === 'done') finishBuild(root);
  else if (command === 'check') process.exit(isBuildCurrent(root) ? 0 : 1);
  // Builds when stale, saying so on stderr (stdout stays for a bench's JSON).
  else if (command === 'ensure')
    process.exit(ensureBuilt(root, (line) => console.error(line), process.stderr) ? 0 : 1);
  else {
    console.error('usage: node scripts/build-state.mjs begin|done|check|ensure');
    process.exit(2);
  }
}
