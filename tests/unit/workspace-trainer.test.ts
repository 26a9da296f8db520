/** A saved run state must fit the learned layer it continues, or the workspace is refused on open (issue 22.10). */
import { describe, expect, it } from 'vitest';
import { parseWorkspace, serializeWorkspace } from '#core/workspace/index';
import { errorOf, sampleDocument } from './workspace-samples';

/** The sample (a learned 1×2 kernel and one bias: 3 parameters) as file JSON, to edit. */
function sampleFile(): { document: { trainer: Record<string, unknown>; learnedWeight: unknown } } {
  return JSON.parse(serializeWorkspace(sampleDocument(), 'test')) as never;
}

describe("the saved trainer's vectors: O×C×kh×kw weights and O biases each", () => {
  it('opens the sample, whose state fits', () => {
    expect(
      parseWorkspace(serializeWorkspace(sampleDocument(), 'test'), 'ok.kstudio').trainer?.params,
    ).toHaveLength(3);
  });

  it.each(['params', 'grads', 'moment1', 'moment2'])('refuses %s one value short, naming it', (name) => {
    const file = sampleFile();
    file.document.trainer[name] = (file.document.trainer[name] as number[]).slice(0, 2);
    const e = errorOf(() => parseWorkspace(JSON.stringify(file), 'short.kstudio'));
    expect(e.message).toBe(
      `short.kstudio: document.trainer.${name}: 2 values, but the learned layer has 3 (2 weights and 1 biases).`,
    );
  });

  it('refuses one value too many, and a run state without a learned weight', () => {
    const file = sampleFile();
    file.document.trainer.params = [1, 2, 3, 4];
    expect(errorOf(() => parseWorkspace(JSON.stringify(file), 'long.kstudio')).message).toMatch(
      /document\.trainer\.params: 4 values, but the learned layer has 3/,
    );
    const orphan = sampleFile() as unknown as { document: Record<string, unknown> };
    orphan.document.learnedWeight = null;
    orphan.document.learnedBias = [];
    expect(errorOf(() => parseWorkspace(JSON.stringify(orphan), 'orphan.kstudio')).message).toMatch(
      /document\.trainer: a saved run state without a learned weight/,
    );
  });
});
