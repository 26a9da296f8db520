#!/usr/bin/env node
/**
 * `npm run bench`: the whole benchmark in one command.
 *
 *   1. CPU (Node): bench/node/cpu.ts, our TypeScript kernels vs tfjs-cpu and tfjs-wasm,
 *      loaded through jiti (runs the TypeScript directly); then issue 21's target workloads on
 *      one thread in Chromium (bench/browser/cpu.bench-test.ts), the app's own runtime.
 *   2. WebGPU (Chromium, --enable-unsafe-webgpu): bench/browser/webgpu.bench-test.ts through
 *      Vitest browser mode; it prints one `BENCH_JSON {...}` line. With --node (`npm run bench:gpu`)
 *      the same bench (bench/webgpu.ts) runs in this process on Dawn for Node instead
 *      (bench/node/run-webgpu.ts): SwiftShader where no Vulkan driver is chosen, else the real GPU.
 *
 * Options:
 *   --json          print ONLY `{"results": [...]}` on stdout (progress goes to stderr)
 *   --quick         a smoke run: fewer workloads, fewer runs, small tfjs budgets
 *   --only=cpu|webgpu   run one half
 *   --node          run the WebGPU half in Node through Dawn for Node, not in Chromium
 *   --write-docs    rewrite the generated part of docs/performance.md (default on a full
 *                   run of both halves); --no-docs never writes it
 *
 * Environment: BENCH_TFJS_BUDGET_MS (wall-clock budget per tfjs WebGPU workload, default
 * 40 s; tfjs on SwiftShader takes seconds per call).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { swiftShaderEnv } from './swiftshader.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const known = ['--json', '--quick', '--write-docs', '--no-docs', '--node'];
const inNode = args.includes('--node');
for (const a of args)
  if (!known.includes(a) && !/^--only=(cpu|webgpu)$/.test(a)) {
    console.error(`bench: unknown option ${a} (known: ${known.join(' ')} --only=cpu|webgpu)`);
    process.exit(2);
  }
const writeDocs = !args.includes('--no-docs') && (args.includes('--write-docs') || (!quick && !only));

/** Progress and tables go to stderr under --json, so stdout carries the JSON object alone. */
const log = (...parts) => (json ? console.error(...parts) : console.log(...parts));

/** A bench module through jiti, which runs TypeScript (and tfjs's ESM) in Node 20 without a build. */
async function loadBench(file) {
  const { createJiti } = await import('jiti');
  return createJiti(import.meta.url).import(join(root, file));
}

/** Runs `fn` with console.log sent to stderr under --json (tfjs greets on stdout when loaded in Node). */
async function keepingStdout(fn) {
  const consoleLog = console.log;
  if (json) console.log = (...parts) => console.error(...parts);
  try {
    return await fn();
  } finally {
    console.log = consoleLog;
  }
}

/** tfjs's rows name their peer, as the tables expect. */
const webGpuRows = (report) => ({
  adapter: report.adapter,
  skipped: report.skipped ?? [],
  results: report.results.map((r) => (r.impl === 'tfjs' ? { ...r, peer: 'tfjs-webgpu' } : r)),
});

/** The WebGPU bench in this process on Dawn for Node (`--node`, `npm run bench:gpu`). */
async function runWebGpuInNode() {
  Object.assign(process.env, swiftShaderEnv());
  log(
    `— WebGPU (Node, Dawn for Node${process.env.VK_ICD_FILENAMES ? `; VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}` : ''}) —`,
  );
  const { runWebGpuBenchInNode } = await loadBench('bench/node/run-webgpu.ts');
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
  const tfjsBudgetMs = Number(process.env.BENCH_TFJS_BUDGET_MS) || undefined;
  return webGpuRows(await keepingStdout(() => runWebGpuBenchInNode({ quick, only, tfjsBudgetMs })));
}

/** Issue 21's CPU targets (bench/node/pytorch.ts), set when the CPU half runs. */
let pytorchTargets = {};

async function runCpu() {
  log('— CPU (Node) —');
  const { runCpuBench, PYTORCH_TARGETS } = await loadBench('bench/node/cpu.ts');
  pytorchTargets = PYTORCH_TARGETS;
  return keepingStdout(async () => {
    const results = await runCpuBench({
      quick,
      onResult: (r) =>
        log(
          `${r.impl.padEnd(10)} ${r.workload.padEnd(36)} ${fmt(r.median_ms).padStart(10)} ms  (${r.runs} runs${r.path ? `; oneDNN ${r.path}, other path ${fmt(r.other_path_ms)} ms` : ''})`,
        ),
    });
    return results.map((r) => {
      const median_ms = Number(r.median_ms.toFixed(3));
      if (r.impl === 'ours' || r.impl === 'roofline') return { ...r, median_ms, backend: 'cpu' };
      // Our pass on every core and PyTorch CPU sit beside tfjs as peers of the one-thread row.
      if (r.impl === 'ours-threads') return { ...r, median_ms, backend: 'cpu', peer: r.impl };
      if (r.impl === 'pytorch-cpu') return { ...r, median_ms, backend: 'cpu', impl: 'pytorch', peer: r.impl };
      return { ...r, median_ms, backend: 'cpu', impl: 'tfjs', peer: r.impl };
    });
  });
}

/** A browser bench file (bench/browser/*.bench-test.ts) in Chromium: its `BENCH_JSON {...}` report. */
function runBrowserBench(file) {
  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  const child = spawn(
    process.execPath,
    [vitest, 'run', '--config', 'bench/browser/vitest.bench.config.ts', file],
    {
      cwd: root,
      env: { ...process.env, BENCH_QUICK: quick ? '1' : '', FORCE_COLOR: '0' },
    },
  );
  let out = '';
  const forward = (chunk) => {
    // eslint-disable-next-line no-control-regex -- strips ANSI colour codes from Vitest's output
    const text = chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
    out += text;
    for (const line of text.split('\n'))
      if (/^(ours|tfjs|roofline|adapter)\b|FAIL|Error/.test(line.trim()))
        process.stderr.write(`${line.trim()}\n`);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const match = /BENCH_JSON (\{.*\})/.exec(out);
      if (code !== 0 || !match) {
        process.stderr.write(out.slice(-4000));
        reject(new Error(`the browser bench failed (exit ${code}${match ? '' : ', no BENCH_JSON line'})`));
        return;
      }
      resolve(JSON.parse(match[1]));
    });
  });
}

async function runWebGpu() {
  log('— WebGPU (Chromium) —');
  return webGpuRows(await runBrowserBench('bench/browser/webgpu.bench-test.ts'));
}

/** Our CPU engine on one thread in Chromium, the app's runtime (relaxed-SIMD multiply-add there). */
async function runCpuInChromium() {
  log("— CPU (Chromium: the app's engine) —");
  const report = await runBrowserBench('bench/browser/cpu.bench-test.ts');
  log(
    `relaxed-SIMD multiply-add in Chromium: ${report.fma ? 'yes' : 'no'}; shared memories for the workers: ${report.shared ? 'yes' : 'no'}; ${report.threads} threads`,
  );
  return report.results.map((r) => {
    log(
      `${r.impl.padEnd(13)} ${r.workload.padEnd(36)} ${fmt(r.median_ms).padStart(10)} ms  (${r.runs} runs)`,
    );
    return { ...r, median_ms: Number(r.median_ms.toFixed(3)), backend: 'cpu', peer: r.impl };
  });
}

function fmt(ms) {
  if (ms === undefined) return '—';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

const ratio = (peer, ours) => (peer && ours ? peer / ours : undefined);
const fmtRatio = (r) => (r === undefined ? '—' : r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(1)}×`);

/** The issue's targets, checked against one run's figures. */
function targetOf(backend, workload, row) {
  if (backend === 'webgpu') {
    const r = ratio(row.tfjs?.median_ms, row.ours?.median_ms);
    const goal = workload.startsWith('corr2d') ? 20 : workload.startsWith('train') ? 100 : undefined;
    if (goal === undefined) return '';
    return r === undefined
      ? `≥ ${goal}× vs tfjs: no peer figure`
      : `≥ ${goal}× vs tfjs ${r >= goal ? '✓' : '✗'}`;
  }
  const goal = pytorchTargets[workload];
  if (goal === undefined) return '';
  const r = bestOursOverPytorch(row);
  return r === undefined
    ? `≤ ${goal}× PyTorch: no PyTorch figure`
    : `≤ ${goal}× PyTorch ${r <= goal ? '✓' : '✗'}`;
}

/** One row per (backend, workload): ours, each tfjs peer, the roofline, ratios, target. */
function tableRows(results) {
  const rows = new Map();
  for (const r of results) {
    const key = `${r.backend}\u0000${r.workload}`;
    if (!rows.has(key)) rows.set(key, { backend: r.backend, workload: r.workload, peers: {} });
    const row = rows.get(key);
    if (r.impl === 'ours') row.ours = r;
    else if (r.impl === 'roofline') row.roofline = r;
    else row.peers[r.peer] = r;
  }
  return [...rows.values()].map((row) => {
    const tfjs = row.peers['tfjs-webgpu'] ?? row.peers['tfjs-wasm'] ?? row.peers['tfjs-cpu'];
    return { ...row, tfjs, target: targetOf(row.backend, row.workload, { ...row, tfjs }) };
  });
}

/** The tfjs failure recorded for a row (only the browser bench records them). */
function tfjsFailure(skipped, row) {
  return row.backend === 'webgpu'
    ? skipped.find((s) => s.workload === row.workload && s.impl === 'tfjs')
    : undefined;
}

/** Our CPU rows: one thread and every core in Node, one thread in Chromium (the app's engine). */
const OUR_CPU_PEERS = ['ours-threads', 'ours-chromium', 'ours-chromium-threads'];

/** The fastest of our CPU rows over PyTorch CPU's, or undefined when either is missing. */
function bestOursOverPytorch(row) {
  const times = [row.ours?.median_ms, ...OUR_CPU_PEERS.map((p) => row.peers[p]?.median_ms)].filter(
    (t) => t !== undefined,
  );
  return times.length ? ratio(Math.min(...times), row.peers['pytorch-cpu']?.median_ms) : undefined;
}

function runsNote(r) {
  if (!r) return '';
  return r.runs < 10 ? ` (${r.runs} run${r.runs === 1 ? '' : 's'})` : '';
}

/** `### title`, then a markdown table of `cells` under `headers`. */
function markdownSection(title, headers, cells) {
  return [
    `### ${title}`,
    '',
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => ' --- |').join('')}`,
    ...cells.map((row) => `| ${row.join(' | ')} |`),
  ];
}

const roofPercent = (r) =>
  r.roofline && r.ours ? `${((100 * r.roofline.median_ms) / r.ours.median_ms).toFixed(0)}%` : '';
const peerCell = (p) => (p ? fmt(p.median_ms) + runsNote(p) : '—');
/** PyTorch's figure with the oneDNN path it came from (bench/node/pytorch.ts). */
const pytorchCell = (p) =>
  p ? `${peerCell(p)} (${p.path === 'default' ? 'default' : 'AVX2'}; other ${fmt(p.other_path_ms)})` : '—';
const hasPytorch = (results) => results.some((r) => r.peer === 'pytorch-cpu');
const NO_PYTORCH =
  'PyTorch is not installed here (no python3 that imports torch; `apt-get install python3-torch`, or BENCH_PYTHON=…): the PyTorch column is empty and no CPU target can be checked.';

function markdownTables(results, skipped) {
  const rows = tableRows(results);
  const out = [];
  const webgpu = rows.filter((r) => r.backend === 'webgpu');
  if (webgpu.length) {
    const cells = webgpu.map((r) => {
      const peer = r.peers['tfjs-webgpu'];
      return [
        r.workload,
        fmt(r.ours?.median_ms),
        tfjsFailure(skipped, r) ? 'fails in tfjs¹' : peerCell(peer),
        fmtRatio(ratio(peer?.median_ms, r.ours?.median_ms)),
        r.roofline ? fmt(r.roofline.median_ms) : '',
        roofPercent(r),
        r.target,
      ];
    });
    const headers = ['workload', 'ours (ms)', 'tfjs-webgpu (ms)', 'tfjs / ours', 'roofline (ms)'];
    out.push(
      ...markdownSection(
        `WebGPU (${inNode ? 'Node, Dawn for Node' : 'Chromium'}, same adapter for ours and tfjs)`,
        [...headers, '% of roofline', 'target'],
        cells,
      ),
    );
    const errors = [...new Set(skipped.map((s) => s.error))];
    if (errors.length) out.push('', `¹ ${errors.map((e) => `tfjs threw: "${e}"`).join('; ')}`);
    out.push('');
  }
  const cpu = rows.filter((r) => r.backend === 'cpu');
  if (cpu.length) {
    const cells = cpu.map((r) => {
      const c = r.peers['tfjs-cpu'];
      const w = r.peers['tfjs-wasm'];
      return [
        r.workload,
        fmt(r.ours?.median_ms),
        peerCell(c),
        w || !r.workload.startsWith('train') ? peerCell(w) : 'n/a²',
        fmtRatio(ratio(c?.median_ms, r.ours?.median_ms)),
        fmtRatio(ratio(w?.median_ms, r.ours?.median_ms)),
        peerCell(r.peers['ours-threads']),
        peerCell(r.peers['ours-chromium']),
        peerCell(r.peers['ours-chromium-threads']),
        pytorchCell(r.peers['pytorch-cpu']),
        r.peers['pytorch-cpu'] ? (bestOursOverPytorch(r) ?? 0).toFixed(2) : '—',
        r.roofline ? fmt(r.roofline.median_ms) : '',
        r.target,
      ];
    });
    const headers = ['workload', 'ours (ms)', 'tfjs-cpu (ms)', 'tfjs-wasm (ms)', 'tfjs-cpu / ours'];
    out.push(
      ...markdownSection(
        'CPU (Node, same process for ours and the tfjs peers)',
        [
          ...headers,
          'tfjs-wasm / ours',
          'ours, all cores (ms)',
          'ours, Chromium⁶ (ms)',
          'ours, Chromium, all cores⁶ (ms)',
          'PyTorch CPU at its best⁵ (ms)',
          'best ours / PyTorch⁴',
          'memory floor³ (ms)',
          'target',
        ],
        cells,
      ),
    );
    out.push(
      '',
      '² tfjs-wasm has no `Conv2DBackpropFilter`: it cannot train a kernel.',
      '',
      '³ Copying X once and writing each value of Y once, into buffers kept between runs: the least',
      'memory traffic of a forward pass that writes into its previous Y, as ours does (`into`).',
      '',
      '⁴ The fastest of ours (one thread, all cores, Chromium), over PyTorch CPU at its best; both',
      'sides run the same steps of the same problem.',
      '',
      '⁵ PyTorch CPU, all threads, each row timed on both oneDNN paths (its default, and',
      '`DNNL_MAX_CPU_ISA=AVX2`) in separate processes; the faster is shown with the other in brackets.',
      '',
      '⁶ The same code in Chromium (bench/browser/cpu.bench-test.ts), the runtime of the app’s renderer,',
      'where relaxed SIMD gives the WebAssembly programs a multiply-add that Node 20 lacks: one thread, and',
      'every core through the renderer’s own pool (Web Workers on shared memories: the page is isolated).',
      'Issue 21’s target rows and the 256² training rows only.',
      '',
      ...(hasPytorch(results) ? [] : [NO_PYTORCH, '']),
    );
  }
  return out.join('\n');
}

function plainTable(results, skipped) {
  const lines = [];
  for (const r of tableRows(results)) {
    const peer = r.tfjs;
    const fail = tfjsFailure(skipped, r);
    const roof = r.roofline ? `${roofPercent(r)} of roofline` : '';
    lines.push(
      [
        r.backend.padEnd(7),
        r.workload.padEnd(34),
        `ours ${fmt(r.ours?.median_ms).padStart(8)}`,
        `${(peer?.peer ?? 'tfjs').padEnd(11)} ${fail ? 'FAILED'.padStart(8) : fmt(peer?.median_ms).padStart(8)}`,
        `×${fmtRatio(ratio(peer?.median_ms, r.ours?.median_ms)).padStart(6)}`,
        roof.padEnd(13),
        r.peers['ours-chromium']
          ? `chromium ${fmt(r.peers['ours-chromium'].median_ms)}, all cores ${fmt(r.peers['ours-chromium-threads']?.median_ms)}`
          : '',
        r.peers['pytorch-cpu']
          ? `pytorch ${pytorchCell(r.peers['pytorch-cpu'])}, best ours / pytorch ${(bestOursOverPytorch(r) ?? 0).toFixed(2)}`
          : '',
        r.target,
      ].join('  '),
    );
  }
  return lines.join('\n');
}

function chromiumVersion() {
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'Chromium (version unknown)';
  }
}

function dawnVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules/webgpu/package.json'), 'utf8')).version;
  } catch {
    return 'version unknown';
  }
}

function machine(adapter) {
  const cpus = os.cpus();
  return [
    `${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model?.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `Node ${process.version}; ${inNode ? `Dawn for Node (webgpu ${dawnVersion()})` : chromiumVersion()}${adapter ? `; WebGPU adapter: ${adapter}` : ''}`,
    `load average at the end of the run: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  ];
}

const BEGIN = '<!-- bench:begin (generated by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

async function writePerformanceDoc(results, skipped, adapter, seconds) {
  const path = join(root, 'docs/performance.md');
  const generated = [
    BEGIN,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench\` (${(seconds / 60).toFixed(1)} min).`,
    '',
    ...machine(adapter).map((l) => `- ${l}`),
    '',
    markdownTables(results, skipped),
    END,
  ].join('\n');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Performance\n\n${BEGIN}\n${END}\n`;
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + generated + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n${generated}\n`;
  // Through the project's prettier, so `npm run format:check` stays clean (it aligns tables).
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(next, { ...options, filepath: path }));
  log(`wrote ${path}`);
}

const started = performance.now();
const results = [];
let skipped = [];
let adapter;
try {
  if (only !== 'webgpu') results.push(...(await runCpu()), ...(await runCpuInChromium()));
  if (only !== 'cpu') {
    const web = inNode ? await runWebGpuInNode() : await runWebGpu();
    results.push(...web.results);
    skipped = web.skipped;
    adapter = web.adapter;
  }
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
const seconds = (performance.now() - started) / 1000;
if (json) {
  const pytorch =
    only === 'webgpu' ? {} : { pytorch: hasPytorch(results) ? 'present' : `absent: ${NO_PYTORCH}` };
  const loadavg = os.loadavg().map((l) => Number(l.toFixed(2)));
  process.stdout.write(
    `${JSON.stringify({ results, ...(adapter ? { adapter } : {}), skipped, ...pytorch, loadavg })}\n`,
  );
} else {
  log('');
  log(plainTable(results, skipped));
  if (only !== 'webgpu' && !hasPytorch(results)) log(NO_PYTORCH);
  log(`\ntotal ${seconds.toFixed(0)} s${quick ? ' (--quick: smoke figures, not for quoting)' : ''}`);
}
if (writeDocs) await writePerformanceDoc(results, skipped, adapter, seconds);
