/**
 * OpeningFile (a large workspace being opened, with Cancel) and the one way the renderer parses
 * and writes workspace text (workspace-text.ts; in Node there are no workers, so its calling-thread
 * path runs here: the e2e test heavy-files.spec.ts runs the worker in Chromium).
 */
import { describe, expect, it } from 'vitest';
import { zeros } from '#core/matrix';
import { defaultDocument, parseWorkspace, serializeWorkspace } from '#core/workspace/index';
import { OpeningFile } from '../../renderer/src/state/opening.svelte';
import {
  buffersIn,
  estimatedChars,
  OFF_THREAD_CHARS,
  readWorkspaceText,
  runWorkspaceJob,
  writeWorkspaceText,
} from '../../renderer/src/state/workspace-text';

describe('OpeningFile', () => {
  it('shows the name while an open runs, and clears it when that open ends', () => {
    const opening = new OpeningFile();
    expect(opening.name).toBeNull();
    const signal = opening.begin('big.kstudio');
    expect(opening.name).toBe('big.kstudio');
    expect(signal.aborted).toBe(false);
    opening.end(signal);
    expect(opening.name).toBeNull();
    expect(signal.aborted).toBe(false);
  });

  it('Cancel aborts the open and clears the name', () => {
    const opening = new OpeningFile();
    const signal = opening.begin('big.kstudio');
    opening.cancel();
    expect(signal.aborted).toBe(true);
    expect(opening.name).toBeNull();
    opening.cancel(); // nothing running: nothing happens
  });

  it('a new open cancels the one still going, and the old one ending leaves the new one shown', () => {
    const opening = new OpeningFile();
    const first = opening.begin('a.kstudio');
    const second = opening.begin('b.kstudio');
    expect(first.aborted).toBe(true);
    expect(second.aborted).toBe(false);
    opening.end(first);
    expect(opening.name).toBe('b.kstudio');
    opening.end(second);
    expect(opening.name).toBeNull();
  });
});

describe('workspace text in and out', () => {
  const big = () => ({ ...defaultDocument(), channels: [zeros(640, 640)] });

  it('a job reports core errors as their code and message, never a stack', () => {
    const result = runWorkspaceJob({ kind: 'parse', text: '{', name: 'bad.kstudio' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    let thrown: unknown;
    try {
      parseWorkspace('{', 'bad.kstudio');
    } catch (error) {
      thrown = error;
    }
    expect(result.message).toBe((thrown as Error).message);
    expect(result.code).toBe('format');
    expect(result.message).not.toMatch(/\n\s+at /);
  });

  it('a job parses and writes what core does', () => {
    const doc = big();
    const written = runWorkspaceJob({ kind: 'serialize', doc, savedBy: 'KS' });
    expect(written).toEqual({ ok: true, value: serializeWorkspace(doc, 'KS') });
    const text = serializeWorkspace(doc);
    expect(runWorkspaceJob({ kind: 'parse', text, name: 'a' })).toEqual({
      ok: true,
      value: parseWorkspace(text, 'a'),
    });
  });

  it('estimates a large document as large, and a default one as small', () => {
    expect(estimatedChars(big())).toBeGreaterThanOrEqual(OFF_THREAD_CHARS);
    expect(estimatedChars(defaultDocument())).toBeLessThan(OFF_THREAD_CHARS);
    // The estimate never exceeds the text: a document written is at least that long.
    expect(serializeWorkspace(big()).length).toBeGreaterThanOrEqual(estimatedChars(big()));
  });

  it("hands over each grid's buffer once", () => {
    const shared = new Float32Array(8);
    const buffers = buffersIn({ a: shared, b: [shared.subarray(4)], c: { d: new Float32Array(2) } });
    expect(buffers).toHaveLength(2);
    expect(buffers).toContain(shared.buffer);
  });

  it('reads and writes on the calling thread where there are no workers, and a cancelled read parses nothing', async () => {
    const doc = big();
    const text = await writeWorkspaceText(doc, 'KS');
    expect(text.length).toBeGreaterThanOrEqual(OFF_THREAD_CHARS);
    expect(await readWorkspaceText(text, 'a')).toEqual(parseWorkspace(text, 'a'));
    await expect(readWorkspaceText('{', 'bad.kstudio')).rejects.toThrow(/^bad\.kstudio/);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(readWorkspaceText(text, 'a', cancelled.signal)).rejects.toBeDefined();
  });
});
