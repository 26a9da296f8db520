/**
 * `npm run bench:app -- --profile=DIR` or `--trace=DIR`: where an edit's milliseconds go. A CPU profile of the
 * page (Chrome DevTools protocol) over the timed edits, written to DIR and summarised by self
 * time; and each edit's phases from the page's marks. Diagnostics only: the profiler slows the page.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** What a recording is of, where it goes (DIR/<name>.<kind>) and where its summary is logged. */
export interface Recording {
  readonly page: Page;
  readonly dir: string;
  readonly name: string;
  readonly log: (line: string) => void;
}

/** Writes a recording's file; returns its path. */
function save({ dir, name }: Recording, kind: string, data: string | Buffer): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.${kind}`);
  writeFileSync(file, data);
  return file;
}

/** Self time per function (ms), most first. */
function selfTimes(profile: CpuProfile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.split('/').pop() ?? '';
    const name = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Starts the profiler; the returned function stops it, writes DIR/<name>.cpuprofile and logs the top functions. */
export async function startProfile(recording: Recording): Promise<() => Promise<void>> {
  const { page, log } = recording;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const file = save(recording, 'cpuprofile', JSON.stringify(profile));
    const top = selfTimes(profile).filter(([f]) => !f.startsWith('(idle)'));
    log(`  profile: ${file}; self time, ms (all edits):`);
    for (const [f, ms] of top.slice(0, 25)) log(`    ${ms.toFixed(1).padStart(8)}  ${f}`);
    await cdp.detach();
  };
}

/** Each edit's phases from the page's marks: pointerdown → Y computed → Y drawn, and every grid drawn in between. */
export async function editPhases(page: Page, log: (line: string) => void): Promise<void> {
  const rows = await page.evaluate(() => {
    const w = window as unknown as { __downs: number[]; __marks: Record<string, number[]> };
    return w.__downs.map((down, i) => {
      const next = w.__downs[i + 1] ?? Infinity;
      const within = (name: string): number[] =>
        (w.__marks[name] ?? []).filter((t) => t > down && t < next).map((t) => t - down);
      const computed = within('ks:y-computed')[0];
      const drawnY = within('ks:drawn:Output Y').find((t) => t >= computed);
      const drawn = Object.keys(w.__marks)
        .filter((n) => n.startsWith('ks:drawn:'))
        .map((n) => `${n.slice(9)}×${within(n).length}`)
        .filter((s) => !s.endsWith('×0'));
      return { computed, drawnY, drawn: drawn.join(' ') };
    });
  });
  log('  edit phases (ms after pointerdown): Y computed, Y drawn; grids drawn');
  for (const r of rows.slice(-10)) log(`    ${r.computed?.toFixed(1)}  ${r.drawnY?.toFixed(1)}  ${r.drawn}`);
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: { name?: string; data?: { frame?: string } };
}

/**
 * Starts a Chromium trace (devtools.timeline); the returned function stops it, writes
 * DIR/<name>.trace.json and logs, for the last edits, the renderer main thread's tasks from each
 * pointerdown until the frame after it (name, start and duration in ms after the pointerdown).
 */
export async function startTrace(recording: Recording): Promise<() => Promise<void>> {
  const { page, log } = recording;
  const browser = page.context().browser()!;
  await browser.startTracing(page, {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'blink.user_timing',
      'toplevel',
    ],
  });
  return async () => {
    const buffer = await browser.stopTracing();
    const file = save(recording, 'trace.json', buffer);
    const events = (JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
    const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
    const downs = onMain.filter(
      (e) => e.name === 'EventDispatch' && JSON.stringify(e.args).includes('pointerdown'),
    );
    log(`  trace: ${file}`);
    for (const down of downs.slice(-4)) {
      log(`  edit at ${(down.ts / 1000).toFixed(1)} ms:`);
      const end = down.ts + 60_000;
      for (const e of onMain.filter((t) => t.ts >= down.ts - 1000 && t.ts < end && (t.dur ?? 0) >= 300))
        log(
          `    ${((e.ts - down.ts) / 1000).toFixed(1).padStart(6)} +${((e.dur ?? 0) / 1000).toFixed(1).padStart(5)}  ${e.name}`,
        );
    }
  };
}
