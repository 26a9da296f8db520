/** The status bar's backend line names the backend once: "CPU (chosen in settings)", never "CPU (CPU — …)". */
import { describe, expect, it } from 'vitest';
import type { BackendReason } from '../../renderer/src/compute/select';
import { en, type MessageKey } from '../../renderer/src/i18n/en';
import { formatMessage } from '../../renderer/src/i18n/format';
import { backendLine, reasonText } from '../../renderer/src/i18n/reason';
import { zh } from '../../renderer/src/i18n/zh';

/** Every reason the catalogue words, with a value for each parameter. */
const reasons = (Object.keys(en) as MessageKey[])
  .filter((key): key is BackendReason['key'] => key.startsWith('reason.'))
  .map((key): BackendReason => ({
    key,
    params: { adapter: 'google swiftshader', detail: 'destroyed', shape: '6×8' },
  }));
/** The reasons for a GPU backend: they may compare it with the CPU. */
const GPU_REASONS = new Set(['reason.hardware', 'reason.forcedOnFallback']);

describe('backendLine', () => {
  it('names the CPU once, whatever the reason, in English and Chinese', () => {
    expect(reasons.length).toBeGreaterThan(10);
    for (const catalog of [en, zh]) {
      const t = (key: MessageKey, params?: Record<string, string>) => formatMessage(catalog[key], params);
      for (const why of reasons.filter((r) => !GPU_REASONS.has(r.key))) {
        const line = backendLine({ label: 'CPU', why }, t);
        expect(line.split('CPU'), `${why.key}: ${line}`).toHaveLength(2);
        expect(line).toContain(reasonText(why, t));
      }
    }
  });

  it('reads "label (why)": the label, then the reason in brackets of the language', () => {
    expect(backendLine({ label: 'CPU', why: { key: 'reason.forcedCpu' } })).toBe('CPU (chosen in settings)');
    const gpu = { label: 'WebGPU · nvidia ampere', why: { key: 'reason.hardware' } } as const;
    expect(backendLine(gpu)).toBe('WebGPU · nvidia ampere (a hardware GPU adapter)');
    const zhT = (key: MessageKey, params?: Record<string, string>) => formatMessage(zh[key], params);
    expect(backendLine({ label: 'CPU', why: { key: 'reason.forcedCpu' } }, zhT)).toBe('CPU（在设置中选择）');
  });
});
