/**
 * sameWorkspaceFile: "the two documents save as the same file", the workspace's dirty check,
 * checked against what it stands for (serializeWorkspace's text) on generated documents and
 * on the edits a user makes: one field changed, changed back as new objects, -0, NaN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_FIELDS,
  parseWorkspace,
  sameWorkspaceFile,
  serializeWorkspace,
  type WorkspaceDocument,
} from '#core/workspace/index';
import { documentArb, sampleDocument } from './workspace-samples';

/** The file text, or '' for a document a file cannot hold (a non-finite value). */
function text(doc: WorkspaceDocument): string {
  try {
    return serializeWorkspace(doc, 'test');
  } catch {
    return '';
  }
}

/** The check's definition: the same text, and a text at all. */
const sameText = (a: WorkspaceDocument, b: WorkspaceDocument): boolean =>
  text(a) !== '' && text(a) === text(b);

/** A copy with no object shared with `doc`: as a document reads back from its file. */
const reopened = (doc: WorkspaceDocument): WorkspaceDocument =>
  parseWorkspace(serializeWorkspace(doc), 'a.kstudio');

/** X's first channel with one value set (a new matrix, as the grid makes it). */
function withX0(doc: WorkspaceDocument, value: number): WorkspaceDocument {
  const data = Float32Array.from(doc.channels[0].data);
  data[0] = value;
  return { ...doc, channels: [{ ...doc.channels[0], data }, ...doc.channels.slice(1)] };
}

describe('sameWorkspaceFile', () => {
  it('agrees with the saved text for any two documents, and for any fields of one moved onto the other', () => {
    fc.assert(
      fc.property(documentArb, documentArb, fc.subarray([...DOCUMENT_FIELDS]), (a, b, fields) => {
        const mixed = { ...a, ...Object.fromEntries(fields.map((f) => [f, b[f]])) } as WorkspaceDocument;
        expect(sameWorkspaceFile(a, b)).toBe(sameText(a, b));
        expect(sameWorkspaceFile(a, mixed)).toBe(sameText(a, mixed));
        expect(sameWorkspaceFile(reopened(a), mixed)).toBe(sameText(a, mixed));
      }),
      { numRuns: 150 },
    );
  });

  it('a document and its copy read back from the file are the same; one changed value is not', () => {
    const doc = sampleDocument();
    expect(sameWorkspaceFile(doc, reopened(doc))).toBe(true);
    for (const f of DOCUMENT_FIELDS)
      expect(sameWorkspaceFile(doc, { ...reopened(doc), [f]: doc[f] })).toBe(true);
    const edited = withX0(doc, 7);
    expect(sameWorkspaceFile(doc, edited)).toBe(false);
    // Edited back to the same values (new objects): the same file again.
    expect(sameWorkspaceFile(doc, withX0(edited, doc.channels[0].data[0]))).toBe(true);
  });

  it('-0 is not 0 (the file writes "-0"), and NaN or ∞ is never the same (a file cannot hold it)', () => {
    const doc = withX0(sampleDocument(), 0);
    expect(sameText(doc, withX0(doc, -0))).toBe(false);
    expect(sameWorkspaceFile(doc, withX0(doc, -0))).toBe(false);
    const nan = withX0(doc, NaN);
    expect(sameWorkspaceFile(nan, withX0(doc, NaN))).toBe(false);
    expect(sameWorkspaceFile(doc, withX0(doc, Infinity))).toBe(false);
    expect(sameWorkspaceFile(doc, { ...doc, biases: [NaN] })).toBe(false);
  });

  it('a grid of the same values in another shape is another file', () => {
    const doc = sampleDocument();
    const [m] = doc.channels;
    const reshaped = { rows: m.cols, cols: m.rows, data: m.data };
    expect(sameWorkspaceFile(doc, { ...doc, channels: [reshaped] })).toBe(false);
  });
});
