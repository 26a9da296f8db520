/**
 * Layer exports (core/formats/layerExport.ts): 4-D .npy loaded by NumPy itself, .safetensors as
 * a PyTorch Conv2d state dict whose weights, applied by a NumPy conv2d with the stored stride,
 * padding and dilation, give our Y; snippets that carry the geometry; clear refusals.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forwardLayerCpu } from '#core/cpu/index';
import { KernelStudioError } from '#core/errors';
import type { ExportFormat, LayerExport } from '#core/formats/index';
import { EXPORT_FORMATS, exportKernel, exportLayer, frameworkWeights } from '#core/formats/index';
import { decodeUtf8 } from '#core/formats/utf8';
import type { ConvSpec } from '#core/layer';
import { convSpec } from '#core/layer';
import { randomMatrix, randomWeights } from '#core/random';
import { toNested3 } from '#core/tensor';
import { weightsOfMatrix } from '#core/tensor';

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

function python(script: string): unknown {
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('layer exports', () => {
  it('a one-channel valid layer exports exactly as a kernel did', () => {
    const k = randomMatrix(2, 3, 5, -1, 1);
    for (const format of EXPORT_FORMATS)
      for (const mode of ['correlate', 'convolve'] as const)
        expect(
          exportLayer(format, {
            weight: weightsOfMatrix(k),
            bias: [0.5],
            spec: convSpec({ kernel: [2, 3], mode }),
          }).bytes,
        ).toEqual(exportKernel(format, k, 0.5, mode).bytes);
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
    const one = exportKernel('json', randomMatrix(1, 2, 1, -1, 1), 0.1, 'correlate');
    expect(decodeUtf8(one.bytes, 'kernel.json')).toContain('"bias": 0.1,');
    expect(
      decodeUtf8(exportKernel('csv', randomMatrix(1, 2, 1, -1, 1), 0.1, 'correlate').bytes, 'kernel.csv'),
    ).toContain('bias 0.1\n');
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
      // An independent conv2d in NumPy (cross-correlation, as torch.nn.functional.conv2d) on the stored tensors.
      const x = { channels: 3, rows: 6, cols: 5, data: randomMatrix(18, 5, 9, -1, 1).data };
      const path = join(work, `w-${mode}.safetensors`);
      writeFileSync(path, bytes);
      const script = `
import numpy as np, json, struct
b = open(${JSON.stringify(path)}, 'rb').read()
n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8+n]); d = b[8+n:]
t = lambda k: np.frombuffer(d[h[k]['data_offsets'][0]:h[k]['data_offsets'][1]], '<f4').reshape(h[k]['shape']).astype(np.float64)
W, B = t('weight'), t('bias')
m = h['__metadata__']; s = [int(v) for v in m['stride'].split(',')]; p = [int(v) for v in m['padding'].split(',')]; dl = [int(v) for v in m['dilation'].split(',')]
X = np.array(${JSON.stringify(toNested3(x))}, dtype=np.float32).astype(np.float64)
Xp = np.pad(X, ((0, 0), (p[0], p[0]), (p[1], p[1])))
O, C, kh, kw = W.shape
Ho = (X.shape[1] + 2*p[0] - dl[0]*(kh-1) - 1)//s[0] + 1; Wo = (X.shape[2] + 2*p[1] - dl[1]*(kw-1) - 1)//s[1] + 1
Y = np.zeros((O, Ho, Wo))
for o in range(O):
  for i in range(Ho):
    for j in range(Wo):
      win = Xp[:, i*s[0]:i*s[0]+dl[0]*(kh-1)+1:dl[0], j*s[1]:j*s[1]+dl[1]*(kw-1)+1:dl[1]]
      Y[o, i, j] = (win * W[o]).sum() + B[o]
print(json.dumps(Y.ravel().tolist()))`;
      const y = python(script) as number[];
      const ours = forwardLayerCpu(x, l.weight, l.bias, l.spec);
      expect(y).toHaveLength(ours.data.length);
      y.forEach((v, i) => expect(Math.abs(v - ours.data[i])).toBeLessThan(1e-5));
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
