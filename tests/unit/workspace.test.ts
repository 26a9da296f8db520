import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultDocument,
  DOCUMENT_FIELDS,
  migrate,
  parseWorkspace,
  serializeWorkspace,
  workspaceFileSchema,
  workspaceJsonSchema,
  WORKSPACE_VERSION,
  type MigrationStep,
} from '#core/workspace/index';
import { DOCUMENT_FILE_FIELDS } from '#core/workspace/schema';
import { documentArb, errorOf, sampleDocument } from './workspace-samples';

const SCHEMA_FILE = join(import.meta.dirname, '../../docs/workspace.schema.json');

function sampleJson(): Record<string, unknown> {
  return JSON.parse(serializeWorkspace(sampleDocument())) as Record<string, unknown>;
}

describe('workspace save → open', () => {
  it('round-trips every field of a sample document', () => {
    const doc = sampleDocument();
    const text = serializeWorkspace(doc, 'Kernel Studio test');
    expect(parseWorkspace(text, 'a.kstudio')).toEqual(doc);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json.format).toBe('kernel-studio-workspace');
    expect(json.version).toBe(WORKSPACE_VERSION);
    // Grid rows stay on one line.
    expect(text).toContain('[1, 1, 0, 0, 0, 0, 1, 1]');
  });

  it('stores every field of DOCUMENT_FIELDS under its one key, and reads each back', () => {
    const stored = DOCUMENT_FIELDS.filter((f) => f !== 'runs');
    expect(Object.keys(DOCUMENT_FILE_FIELDS).sort()).toEqual([...stored].sort());
    const doc = sampleDocument();
    const json = JSON.parse(serializeWorkspace(doc)) as { document: object; runs: unknown[] };
    expect(Object.keys(json.document).sort()).toEqual(stored.map((f) => DOCUMENT_FILE_FIELDS[f][0]).sort());
    expect(json.runs).toHaveLength(doc.runs.length);
    const back = parseWorkspace(serializeWorkspace(doc), 'a.kstudio');
    const blank = defaultDocument();
    for (const f of DOCUMENT_FIELDS) {
      // The sample sets every field away from New's, so a field the file drops shows here.
      expect(doc[f], f).not.toEqual(blank[f]);
      expect(back[f], f).toEqual(doc[f]);
    }
  });

  it('round-trips random documents exactly (serialize → parse → equal)', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        const text = serializeWorkspace(doc);
        expect(parseWorkspace(text, 'r.kstudio')).toEqual(doc);
        expect(serializeWorkspace(parseWorkspace(text, 'r.kstudio'))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('a file without lastRunNumber (saved before it was kept) opens with 0; a negative one is refused', () => {
    const json = sampleJson() as { document: Record<string, unknown> };
    expect(json.document.lastRunNumber).toBe(3);
    delete json.document.lastRunNumber;
    expect(parseWorkspace(JSON.stringify(json), 'old.kstudio').lastRunNumber).toBe(0);
    json.document.lastRunNumber = -1;
    expect(errorOf(() => parseWorkspace(JSON.stringify(json), 'bad.kstudio')).message).toMatch(
      /document\.lastRunNumber/,
    );
  });

  it('refuses to save a non-finite value rather than writing null', () => {
    const doc = { ...sampleDocument(), biases: [NaN] };
    expect(errorOf(() => serializeWorkspace(doc)).code).toBe('non-finite');
  });
});

describe('workspace open: bad files get a clear message', () => {
  it('not JSON', () => {
    const e = errorOf(() => parseWorkspace('{"format": ', 'broken.kstudio'));
    expect(e.code).toBe('format');
    expect(e.message).toMatch(/^broken\.kstudio is not valid JSON/);
  });

  it('not a workspace at all', () => {
    expect(errorOf(() => parseWorkspace('[1,2]', 'a.kstudio')).message).toMatch(
      /not a Kernel Studio workspace/,
    );
    expect(errorOf(() => parseWorkspace('{"format":"other","version":1}', 'a.kstudio')).code).toBe('format');
  });

  it('wrong schema names the field', () => {
    const json = sampleJson();
    (json.document as Record<string, unknown>).mode = 'sideways';
    const e = errorOf(() => parseWorkspace(JSON.stringify(json), 'w.kstudio'));
    expect(e.code).toBe('format');
    expect(e.message).toMatch(/^w\.kstudio: document\.mode: /);

    const extra = sampleJson();
    (extra.document as Record<string, unknown>).surprise = 1;
    expect(errorOf(() => parseWorkspace(JSON.stringify(extra), 'w.kstudio')).message).toMatch(/surprise/);

    const ragged = sampleJson();
    (ragged.document as Record<string, unknown>).x = [[[1, 2], [3]]];
    expect(errorOf(() => parseWorkspace(JSON.stringify(ragged), 'w.kstudio')).message).toMatch(
      /document\.x\[0\]\[1\]: row 2 has 1 values but row 1 has 2/,
    );

    const bigKernel = sampleJson();
    (bigKernel.document as Record<string, unknown>).k = [[[Array.from({ length: 32 }, () => 0)]]];
    expect(errorOf(() => parseWorkspace(JSON.stringify(bigKernel), 'w.kstudio')).message).toMatch(
      /document\.k\[0\]\[0\]\[0\]/,
    );
  });

  it('unknown newer version', () => {
    const json = { ...sampleJson(), version: WORKSPACE_VERSION + 1 };
    const e = errorOf(() => parseWorkspace(JSON.stringify(json), 'new.kstudio'));
    expect(e.code).toBe('unsupported');
    expect(e.message).toContain(
      `new.kstudio is workspace version ${WORKSPACE_VERSION + 1}, from a newer Kernel Studio`,
    );
  });

  it('NaN / Infinity in a matrix', () => {
    const text = serializeWorkspace(sampleDocument()).replace('[1, -0.5]', '[1, 1e999]');
    const e = errorOf(() => parseWorkspace(text, 'inf.kstudio'));
    expect(e.code).toBe('non-finite');
    expect(e.message).toBe('inf.kstudio: document.k[0][0][0][1] is Infinity; values must be finite numbers.');
    const nan = serializeWorkspace(sampleDocument()).replace('[1, -0.5]', '[1, NaN]');
    expect(errorOf(() => parseWorkspace(nan, 'nan.kstudio')).message).toMatch(/not valid JSON/);
    const nulled = serializeWorkspace(sampleDocument()).replace('[1, -0.5]', '[1, null]');
    expect(errorOf(() => parseWorkspace(nulled, 'null.kstudio')).message).toMatch(
      /document\.k\[0\]\[0\]\[0\]\[1\]/,
    );
  });

  it('__proto__ and constructor keys anywhere, without polluting Object.prototype', () => {
    const text = serializeWorkspace(sampleDocument()).replace(
      '"training": {',
      '"training": {"__proto__": {"polluted": true},',
    );
    const e = errorOf(() => parseWorkspace(text, 'evil.kstudio'));
    expect(e.code).toBe('format');
    expect(e.message).toBe(
      'evil.kstudio contains the forbidden key "__proto__" at document.training: refused.',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const ctor = '{"format":"kernel-studio-workspace","version":1,"runs":[{"constructor":{"prototype":1}}]}';
    expect(errorOf(() => parseWorkspace(ctor, 'c.kstudio')).message).toMatch(/"constructor" at runs\[0\]/);
  });

  it('too large, checked before parsing', () => {
    const huge = ' '.repeat(64 * 1024 * 1024 + 1);
    expect(errorOf(() => parseWorkspace(huge, 'big.kstudio')).code).toBe('too-large');
  });
});

describe('migration', () => {
  it('chains steps from an old version up to the current one', () => {
    const steps: Record<number, MigrationStep> = {
      1: (f) => ({ ...f, renamed: f.old }),
      2: (f) => {
        const { old: _old, ...rest } = f;
        return rest;
      },
    };
    const out = migrate({ format: 'kernel-studio-workspace', version: 1, old: 7 }, 'm.kstudio', steps, 3);
    expect(out).toEqual({ format: 'kernel-studio-workspace', version: 3, renamed: 7 });
  });

  it('reports a missing step and a bad version', () => {
    expect(
      errorOf(() => migrate({ format: 'kernel-studio-workspace', version: 1 }, 'm.kstudio', {}, 2)).code,
    ).toBe('unsupported');
    expect(
      errorOf(() => migrate({ format: 'kernel-studio-workspace', version: 1.5 }, 'm.kstudio')).code,
    ).toBe('format');
  });
});

describe('docs/workspace.schema.json', () => {
  it('is generated from the zod schema and up to date', () => {
    const expected = workspaceJsonSchema();
    if (process.env.KS_UPDATE_SCHEMA === '1')
      writeFileSync(SCHEMA_FILE, `${JSON.stringify(expected, null, 2)}\n`);
    const onDisk = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as unknown;
    expect(onDisk, 'run KS_UPDATE_SCHEMA=1 npx vitest run tests/unit/workspace.test.ts').toEqual(expected);
  });

  it('agrees with zod on the sample: valid passes, and the documented top-level keys match', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(workspaceFileSchema.safeParse(sampleJson()).success).toBe(true);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required.sort()).toEqual(['document', 'format', 'runs', 'version']);
    expect(Object.keys(schema.properties).sort()).toEqual([
      'document',
      'format',
      'runs',
      'savedBy',
      'version',
    ]);
  });
});
