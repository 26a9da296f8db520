/**
 * Layer exports (core/formats/layerExport.ts), the one export path: a one-channel "valid" layer
 * goes through the same writers as any other; 4-D .npy loaded by NumPy itself, .safetensors as a
 * PyTorch Conv2d state dict and the PyTorch/MXNet snippets (parsed as Python) whose weights,
 * applied by a NumPy conv2d with the stored stride, padding and dilation, give our Y; clear refusals.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forwardLayerCpu } from '#core/cpu/index';
import { KernelStudioError } from '#core/errors';
import type { ExportFormat, LayerExport } from '#core/formats/index';
import {
  EXPORT_FORMATS,
  exportLayer,
  frameworkWeights,
  importKernel,
  layerExportProblem,
} from '#core/formats/index';
import { decodeUtf8 } from '#core/formats/utf8';
import type { ConvSpec } from '#core/layer';
import { convSpec } from '#core/layer';
import { fromRows, toRows } from '#core/matrix';
import { randomMatrix, randomWeights } from '#core/random';
import type { Tensor3 } from '#core/tensor';
import { tensorOfMatrix, toNested3, weightsOfMatrix } from '#core/tensor';
import { oneKernelExport } from '../helpers/one-kernel';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'ks-layer-formats-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const spec: ConvSpec = convSpec({
  inChannels: 3,
  outChannels: 2,
  kernel: [3, 2],
  stride: [2, 1],
  padding: [1, 2],
  dilation: [1, 2],
});
const layer = (mode: 'correlate' | 'convolve'): LayerExport => ({
  weight: randomWeights(2, 3, 3, 2, 7),
  bias: [0.25, -0.5],
  spec: { ...spec, mode },
});

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/**
 * Python: an independent conv2d in NumPy (cross-correlation, as torch.nn.functional.conv2d and
 * MXNet's Convolution compute), and readers for a .safetensors file and a snippet as written.
 */
const PY_PRELUDE = `
import ast, json, struct, numpy as np
def conv2d(X, W, B, s, p, dl):
  X, W = X.astype(np.float64), W.astype(np.float64)
  Xp = np.pad(X, ((0, 0), (p[0], p[0]), (p[1], p[1])))
  O, C, kh, kw = W.shape
  Ho = (X.shape[1] + 2*p[0] - dl[0]*(kh-1) - 1)//s[0] + 1; Wo = (X.shape[2] + 2*p[1] - dl[1]*(kw-1) - 1)//s[1] + 1
  Y = np.zeros((O, Ho, Wo))
  for o in range(O):
    for i in range(Ho):
      for j in range(Wo):
        win = Xp[:, i*s[0]:i*s[0]+dl[0]*(kh-1)+1:dl[0], j*s[1]:j*s[1]+dl[1]*(kw-1)+1:dl[1]]
        Y[o, i, j] = (win * W[o]).sum() + B[o]
  return Y
def safetensors(path):
  b = open(path, 'rb').read()
  n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8+n]); d = b[8+n:]
  t = lambda k: np.frombuffer(d[h[k]['data_offsets'][0]:h[k]['data_offsets'][1]], '<f4').reshape(h[k]['shape'])
  m = h['__metadata__']; pair = lambda k: [int(v) for v in m[k].split(',')]
  return t('weight'), t('bias'), pair('stride'), pair('padding'), pair('dilation')
def snippet(path):
  # The layer call's keywords and the weight and bias literals, in the order the snippet sets them.
  calls = [n for stmt in ast.parse(open(path).read()).body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
  name = lambda c: getattr(c.func, 'attr', getattr(c.func, 'id', ''))
  conv = next(c for c in calls if name(c) in ('Conv2d', 'Conv2D'))
  kw = {k.arg: ast.literal_eval(k.value) for k in conv.keywords}
  values = [np.array(ast.literal_eval(c.args[0]), dtype=np.float32) for c in calls if name(c) in ('tensor', 'array')]
  W = values[0]; B = values[1] if len(values) > 1 else np.zeros(W.shape[0], np.float32)
  assert kw['kernel_size'] == W.shape[2:], (kw, W.shape)
  return W, B, kw.get('stride', kw.get('strides')), kw['padding'], kw['dilation']
`;

function python(script: string): unknown {
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

/** Y of the layer `reader` (Python) loads from a file, applied to X by the NumPy conv2d. */
function numpyY(reader: string, x: Tensor3): number[] {
  return python(
    `${PY_PRELUDE}
W, B, s, p, dl = ${reader}
X = np.array(${JSON.stringify(toNested3(x))}, dtype=np.float32)
print(json.dumps(conv2d(X, W, B, s, p, dl).ravel().tolist()))`,
  ) as number[];
}

function expectY(y: number[], ours: Tensor3): void {
  expect(y).toHaveLength(ours.data.length);
  y.forEach((v, i) => expect(Math.abs(v - ours.data[i])).toBeLessThan(1e-5));
}

describe('layer exports', () => {
  it('a one-channel valid layer goes through the same writer as any one-channel layer (one path, not two)', () => {
    const k = randomMatrix(2, 3, 5, -1, 1);
    // The same layer with padding 2: every format that holds both writes the same file but for
    // its padding (ImageMagick holds only the valid one: checked against its command below).
    const paddingText = /(padding\W{1,5})0(, ?)0/g;
    for (const mode of ['correlate', 'convolve'] as const) {
      const valid = oneKernelExport(k, 0.5, mode);
      const padded: LayerExport = { ...valid, spec: { ...valid.spec, padding: [2, 2] } };
      for (const format of EXPORT_FORMATS) {
        if (layerExportProblem(format, padded) !== null) continue;
        let replaced = 0;
        const asPadded = latin1(exportLayer(format, valid).bytes).replace(paddingText, (_m, a, b) => {
          replaced++;
          return `${a}2${b}2`;
        });
        expect(asPadded, format).toBe(latin1(exportLayer(format, padded).bytes));
        // Every file but the bare .npy array states the padding.
        expect(replaced > 0, format).toBe(format !== 'npy');
      }
    }
  });

  it('JSON and CSV write each float32 weight and bias as its shortest decimal, never its float64 expansion', () => {
    const weight = { ...randomWeights(2, 1, 1, 2, 3), data: Float32Array.from([0.3, -0.1, 1e-7, 2]) };
    const json = decodeUtf8(
      exportLayer('json', { weight, bias: [0.1, 0.7], spec: { ...spec, inChannels: 1, kernel: [1, 2] } })
        .bytes,
      'layer.json',
    );
    expect(json).toContain('"bias": [0.1, 0.7]');
    expect(json).toContain('"weight": [[[[0.3,-0.1]]],[[[1e-7,2]]]]');
    expect(json).not.toMatch(/0000000\d{3}/);
    const one = oneKernelExport(randomMatrix(1, 2, 1, -1, 1), 0.1, 'correlate');
    expect(decodeUtf8(exportLayer('json', one).bytes, 'kernel.json')).toContain('"bias": [0.1],');
    expect(decodeUtf8(exportLayer('csv', one).bytes, 'kernel.csv')).toContain('bias 0.1\n');
  });

  it.skipIf(!hasNumpy)('.npy is O×C×kh×kw float32 in numpy.load', () => {
    const l = layer('correlate');
    const path = join(work, 'w.npy');
    writeFileSync(path, exportLayer('npy', l).bytes);
    const out = python(
      `import numpy as np, json; a = np.load(${JSON.stringify(path)}); print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "v": a.ravel().tolist()}))`,
    ) as { dtype: string; shape: number[]; v: number[] };
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([2, 3, 3, 2]);
    expect(out.v).toEqual(Array.from(l.weight.data));
  });

  it.each(['correlate', 'convolve'] as const)(
    '.safetensors is a Conv2d(C, O, k, stride, padding, dilation) state dict (%s)',
    (mode) => {
      const l = layer(mode);
      const bytes = exportLayer('safetensors', l).bytes;
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(decodeUtf8(bytes.subarray(8, 8 + n), 'h')) as Record<string, unknown>;
      expect(header.weight).toMatchObject({ dtype: 'F32', shape: [2, 3, 3, 2] });
      expect(header.bias).toMatchObject({ dtype: 'F32', shape: [2] });
      expect(header.__metadata__).toMatchObject({
        stride: '2,1',
        padding: '1,2',
        dilation: '1,2',
        in_channels: '3',
        out_channels: '2',
      });
      if (!hasNumpy) return;
      const x = { channels: 3, rows: 6, cols: 5, data: randomMatrix(18, 5, 9, -1, 1).data };
      const path = join(work, `w-${mode}.safetensors`);
      writeFileSync(path, bytes);
      const y = numpyY(`safetensors(${JSON.stringify(path)})`, x);
      expectY(y, forwardLayerCpu(x, l.weight, l.bias, l.spec));
    },
  );

  it('snippets rebuild the layer with its channels, geometry and (rotated in convolve mode) weights', () => {
    const l = layer('convolve');
    const py = decodeUtf8(exportLayer('pytorch', l).bytes, 'py');
    expect(py).toContain(
      'conv = nn.Conv2d(3, 2, kernel_size=(3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2), bias=True)',
    );
    const mx = decodeUtf8(exportLayer('mxnet', l).bytes, 'py');
    expect(mx).toContain(
      'nn.Conv2D(2, kernel_size=(3, 2), strides=(2, 1), padding=(1, 2), dilation=(1, 2), in_channels=3, use_bias=True)',
    );
    if (!hasNumpy) return;
    const literal = /torch\.tensor\((\[.*\]), dtype=torch\.float32\)/.exec(py)![1];
    const values = python(
      `import ast, json, numpy as np; print(json.dumps(np.array(ast.literal_eval(${JSON.stringify(literal)}), dtype=np.float32).ravel().tolist()))`,
    );
    expect(values).toEqual(Array.from(frameworkWeights(l)));
  });

  it.skipIf(!hasNumpy).each(['correlate', 'convolve'] as const)(
    'the PyTorch and MXNet snippets, read as Python, build a layer that gives our Y (%s)',
    (mode) => {
      const x = { channels: 3, rows: 6, cols: 5, data: randomMatrix(18, 5, 11, -1, 1).data };
      for (const format of ['pytorch', 'mxnet'] as const) {
        const l = layer(mode);
        const path = join(work, `layer-${mode}-${format}.py`);
        writeFileSync(path, exportLayer(format, l).bytes);
        expectY(numpyY(`snippet(${JSON.stringify(path)})`, x), forwardLayerCpu(x, l.weight, l.bias, l.spec));
      }
    },
  );

  it.each([
    [
      'imagemagick',
      /ImageMagick's -morphology applies one 2-D kernel to one channel; this layer has 2×3 kernels/,
    ],
    ['csv', /CSV holds one 2-D kernel; this layer is 2×3×3×2/],
  ] as [ExportFormat, RegExp][])('refuses %s for a multi-channel layer, saying why', (format, why) => {
    let error: unknown;
    try {
      exportLayer(format, layer('correlate'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KernelStudioError);
    expect((error as KernelStudioError).code).toBe('unsupported');
    expect((error as KernelStudioError).message).toMatch(why);
  });

  it('refuses ImageMagick for a strided single-channel kernel, saying why', () => {
    const l: LayerExport = {
      weight: weightsOfMatrix(randomMatrix(3, 3, 1)),
      bias: [0],
      spec: convSpec({ kernel: [3, 3], stride: [2, 2] }),
    };
    expect(() => exportLayer('imagemagick', l)).toThrow(
      /no stride, padding or dilation.*stride 2, padding 0, dilation 1/,
    );
  });
});

describe.skipIf(!hasNumpy)('the d2l kernel [[1, -1]], a one-channel valid layer, in its real tools', () => {
  // d2l 7.2's X: ones with a zero band in columns 2 to 5.
  const x = tensorOfMatrix(fromRows(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1])));
  const K = fromRows([[1, -1]]);

  it.each(['correlate', 'convolve'] as const)(
    'NumPy reads K from .npy, .csv and .json; the state dict and the snippets give our Y; all re-import as K (%s)',
    (mode) => {
      const l = oneKernelExport(K, 0.25, mode);
      const file = (format: ExportFormat): string => {
        const { bytes, extension } = exportLayer(format, l);
        const path = join(work, `d2l-${mode}-${format}.${extension}`);
        writeFileSync(path, bytes);
        if (format !== 'pytorch' && format !== 'mxnet')
          expect(toRows(importKernel(bytes, path))).toEqual([[1, -1]]);
        return JSON.stringify(path);
      };
      const read = python(`${PY_PRELUDE}
a = np.load(${file('npy')}); t = np.loadtxt(${file('csv')}, delimiter=",", ndmin=2); j = json.load(open(${file('json')}))
print(json.dumps({"npy": [str(a.dtype), list(a.shape), a.ravel().tolist()], "csv": t.tolist(),
  "json": [list(np.array(j["weight"]).shape), np.array(j["weight"]).ravel().tolist(), j["bias"], j["padding"]]}))`);
      expect(read).toEqual({
        npy: ['float32', [1, 2], [1, -1]],
        csv: [[1, -1]],
        json: [[1, 1, 1, 2], [1, -1], [0.25], [0, 0]],
      });
      const ours = forwardLayerCpu(x, l.weight, l.bias, l.spec);
      expectY(numpyY(`safetensors(${file('safetensors')})`, x), ours);
      expectY(numpyY(`snippet(${file('pytorch')})`, x), ours);
      expectY(numpyY(`snippet(${file('mxnet')})`, x), ours);
    },
  );
});
