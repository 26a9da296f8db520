/**
 * The loss chart's exports (scene → SVG, CSV), the run records a workspace saves, and the
 * chart-window IPC. (LossCharts itself uses runes: the e2e tests drive it in the browser.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING, type RunRecord } from '#core/workspace/index';
import { INVOKE_CHANNELS, type AppInfo } from '../../ipc/contract';
import { MainHandlers } from '../../main/services/handlers';
import {
  chartCsv,
  chartScene,
  chartSvg,
  linearTicks,
  logTicks,
  type ChartSeries,
} from '../../renderer/src/lib/train/chart-export';
import { thinPoints, upsertRun } from '../../renderer/src/state/training-setup';

const text = { title: 'Loss per step', xLabel: 'step', yLabel: 'loss' };
const series: ChartSeries[] = [
  { runId: 'run-a', label: 'lr 0.03 · sgd', color: '#2563eb', steps: [1, 2, 3, 4], losses: [8, 4, 2, 1] },
  { runId: 'run-b', label: 'lr <0.1> & "x"', color: '#dc2626', steps: [1, 2], losses: [9, 0] },
];

function record(id: string, points: [number, number][]): RunRecord {
  return {
    id,
    label: `label ${id}`,
    settings: DEFAULT_TRAINING,
    points: points.map(([step, loss]) => ({ step, loss })),
  };
}

describe('chart export', () => {
  it('ticks are nice numbers covering the range', () => {
    expect(linearTicks(0, 9)).toEqual([0, 2, 4, 6, 8]);
    expect(linearTicks(1, 30)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(logTicks(0.02, 300)).toEqual([0.01, 0.1, 1, 10, 100, 1000]);
  });

  it('maps points into the plot box, first step left, largest loss on top', () => {
    const scene = chartScene(series, { width: 600, height: 400, logScale: false, text });
    const [a] = scene.lines;
    const { plot } = scene;
    expect(a.parts).toHaveLength(1);
    expect(a.parts[0][0]).toBeCloseTo(plot.left);
    expect(a.parts[0][6]).toBeCloseTo(plot.left + plot.width);
    // Loss 9 (run b) is the top of the data; the axis may extend to the next tick above it.
    const ys = scene.lines.flatMap((l) => l.parts.flatMap((p) => p.filter((_, i) => i % 2 === 1)));
    for (const y of ys) {
      expect(y).toBeGreaterThanOrEqual(plot.top - 1e-9);
      expect(y).toBeLessThanOrEqual(plot.top + plot.height + 1e-9);
    }
    // The legend adds a row per run below the plot.
    expect(scene.height).toBeGreaterThan(400);
  });

  it('log scale breaks a line at a loss ≤ 0 instead of drawing a bogus point', () => {
    const scene = chartScene(series, { width: 600, height: 400, logScale: true, text });
    expect(scene.lines[1].parts).toEqual([[expect.any(Number), expect.any(Number)]]);
    expect(scene.yTicks.map((t) => t.text)).toEqual(['1', '10']);
  });

  it('writes a standalone SVG with escaped labels, one polyline per run', () => {
    const svg = chartSvg(chartScene(series, { width: 600, height: 400, logScale: false, text }));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('lr &lt;0.1&gt; &amp; &quot;x&quot;');
    expect(svg).not.toContain('<0.1>');
    expect(svg).toContain('<title>Loss per step</title>');
  });

  it('CSV has step, loss, run and label, full precision, quoted where needed', () => {
    const csv = chartCsv([...series, { runId: 'run-c', label: 'a,b', steps: [1], losses: [0.1 + 0.2] }]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('step,loss,run,label');
    expect(lines[1]).toBe('1,8,run-a,lr 0.03 · sgd');
    expect(lines[5]).toBe('1,9,run-b,"lr <0.1> & ""x"""');
    expect(lines[7]).toBe('1,0.30000000000000004,run-c,"a,b"');
    expect(lines).toHaveLength(8);
  });

  it('an empty chart still renders (no NaN in the SVG)', () => {
    const svg = chartSvg(chartScene([], { width: 600, height: 400, logScale: true, text }));
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('run records', () => {
  it('thins a long curve to the limit, keeping the first and last points', () => {
    const points = Array.from({ length: 1001 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1) }));
    const thin = thinPoints(points, 100);
    expect(thin.length).toBeLessThanOrEqual(100);
    expect(thin[0]).toEqual(points[0]);
    expect(thin[thin.length - 1]).toEqual(points[1000]);
    expect(thinPoints(points.slice(0, 5), 100)).toEqual(points.slice(0, 5));
  });

  it('upserts by id, oldest dropped past the limit', () => {
    const runs = upsertRun([record('a', [[1, 1]])], record('b', [[1, 2]]));
    expect(runs.map((r) => r.id)).toEqual(['a', 'b']);
    const replaced = upsertRun(
      runs,
      record('a', [
        [1, 1],
        [2, 0.5],
      ]),
    );
    expect(replaced.map((r) => r.id)).toEqual(['a', 'b']);
    expect(replaced[0].points).toHaveLength(2);
  });
});

describe('openChartWindow handler', () => {
  const appInfo: AppInfo = {
    name: 'Kernel Studio',
    version: '0',
    runtime: 'browser',
    platform: 'linux',
    electronVersion: '',
    chromeVersion: '',
    nodeVersion: '',
  };
  const dialogs = { pickOpenPath: async () => null, pickSavePath: async () => null };

  it('asks the host to open the window, and says so plainly where the host cannot', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ks-chart-window-'));
    try {
      const opened: string[] = [];
      const electron = new MainHandlers({
        appInfo,
        dataDir,
        dialogs,
        broadcast: () => {},
        openChartWindow: (documentId) => void opened.push(documentId),
      });
      expect(await electron.dispatch(INVOKE_CHANNELS.openChartWindow, ['doc-1'])).toEqual({
        ok: true,
        value: undefined,
      });
      expect(opened).toEqual(['doc-1']);
      for (const bad of [[], ['../x'], ['doc-1', 'x']])
        expect((await electron.dispatch(INVOKE_CHANNELS.openChartWindow, bad)).ok).toBe(false);
      const bare = new MainHandlers({ appInfo, dataDir, dialogs, broadcast: () => {} });
      expect(await bare.dispatch(INVOKE_CHANNELS.openChartWindow, ['doc-1'])).toEqual({
        ok: false,
        error: { code: 'unsupported', message: 'This host cannot open a chart window.' },
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
