#!/usr/bin/env node
// Electronegativity (Doyensec's Electron security scanner) over the source and the built
// output, as part of `npm test`. It exits 0 whatever it finds, so this script reads the
// SARIF reports and fails on any HIGH or MEDIUM finding that docs/security.md does not
// explain (its "Electronegativity findings" table). Reports: test-results/electronegativity/.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** The checks the issue excludes: it asks the network for Electron releases. */
export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
export const GATED_SEVERITIES = new Set(['HIGH', 'MEDIUM']);

/**
 * Runs Electronegativity on `input`, writing `sarifPath`; returns each SARIF result with the
 * severity the scanner gave it (SARIF only carries warning/note, so the two are joined).
 */
export async function scan(input, sarifPath, electronVersion) {
  const run = require('@doyensec/electronegativity/dist/runner.js');
  rmSync(sarifPath, { force: true });
  const { issues, errors } = await run({
    input,
    output: sarifPath,
    isSarif: true,
    customScan: [],
    excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
    severitySet: undefined,
    confidenceSet: undefined,
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
  const sarif = await readWhenWritten(sarifPath);
  const results = sarif.runs[0].results;
  if (results.length !== issues.length)
    throw new Error(`${sarifPath}: ${results.length} results for ${issues.length} issues`);
  const findings = results.map((result, i) => {
    if (result.ruleId !== issues[i].id)
      throw new Error(`${sarifPath}: result ${i} is ${result.ruleId}, not ${issues[i].id}`);
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
    return {
      rule: result.ruleId,
      file: uri.startsWith('file://') ? '*' : uri.replaceAll('\\', '/'),
      line: result.locations?.[0]?.physicalLocation?.region?.startLine ?? 0,
      severity: issues[i].severity.name,
      message: result.message?.text ?? '',
    };
  });
  return { findings, parseErrors: errors.filter((e) => !e.tolerable).map((e) => `${e.file}: ${e.message}`) };
}

/** The scanner writes its report with a callback it does not wait for. */
async function readWhenWritten(path) {
  for (let i = 0; i < 100; i++) {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`Electronegativity did not write ${path}`);
}

/**
 * The accepted findings: rows of the table under the "Electronegativity findings" heading of
 * docs/security.md, `| \`RULE_ID\` | \`file\`, \`file\` | why |` (a file of \`*\` means global).
 */
export function parseExceptions(markdown) {
  const section =
    /^#+ Electronegativity findings[^\n]*\n([\s\S]*?)(?=^#+ |(?![\s\S]))/m.exec(markdown)?.[1] ?? '';
  const exceptions = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const rule = /^`([A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    const why = cells[3] ?? '';
    if (!rule || why.length < 20) continue;
    const files = [...(cells[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    exceptions.push({ rule, files, why });
  }
  return exceptions;
}

/** HIGH and MEDIUM findings no exception explains. */
export function unexplained(findings, exceptions) {
  return findings.filter(
    (f) =>
      GATED_SEVERITIES.has(f.severity) &&
      !exceptions.some((e) => e.rule === f.rule && e.files.some((file) => file === '*' || file === f.file)),
  );
}

async function main() {
  const outDir = join(root, 'test-results', 'electronegativity');
  mkdirSync(outDir, { recursive: true });
  const electronVersion = JSON.parse(
    readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
  ).version;
  if (!existsSync(join(root, 'out', 'main'))) {
    console.error('The built output is missing: run `npm run build` first.');
    process.exit(1);
  }
  // The app's own source, as one tree (main + preload + renderer, as the scanner expects an app).
  const source = join(outDir, 'source');
  rmSync(source, { recursive: true, force: true });
  for (const part of ['main', 'preload', 'ipc', 'renderer', 'package.json'])
    cpSync(join(root, part), join(source, part), { recursive: true });

  const all = [];
  const errors = [];
  for (const [name, input, prefix] of [
    ['source', source, ''],
    ['out', join(root, 'out'), 'out/'],
  ]) {
    const { findings, parseErrors } = await scan(input, join(outDir, `${name}.sarif`), electronVersion);
    all.push(...findings.map((f) => ({ ...f, file: f.file === '*' ? '*' : prefix + f.file })));
    errors.push(...parseErrors);
  }
  const exceptions = parseExceptions(readFileSync(join(root, 'docs', 'security.md'), 'utf8'));
  const bad = unexplained(all, exceptions);
  const summary = all.map((f) => `${f.severity.padEnd(13)} ${f.rule} ${f.file}:${f.line}`);
  writeFileSync(join(outDir, 'summary.txt'), `${summary.join('\n')}\n`);
  console.log(
    `Electronegativity ${electronVersion ? `(Electron ${electronVersion}) ` : ''}— ${all.length} findings:`,
  );
  for (const line of summary) console.log(`  ${line}`);
  for (const e of errors) console.log(`  could not parse ${e}`);
  // The scanner's parser cannot read the minified renderer bundle (class private fields). The
  // renderer cannot reach Electron APIs (ESLint-enforced) and its source is scanned above; any
  // other file it cannot read is a failure.
  const unscanned = errors.filter((e) => !e.startsWith(`${join(root, 'out', 'renderer')}/`));
  for (const e of unscanned) console.error(`Electronegativity could not scan ${e}`);
  if (bad.length || unscanned.length) {
    console.error(`\n${bad.length} HIGH/MEDIUM finding(s) not explained in docs/security.md:`);
    for (const f of bad) console.error(`  ${f.severity} ${f.rule} at ${f.file}:${f.line} — ${f.message}`);
    process.exit(1);
  }
  console.log('No unexplained HIGH or MEDIUM findings.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
