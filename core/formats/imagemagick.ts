/**
 * ImageMagick user-defined kernels ("WxH: v1,v2,…", row-major) for `-morphology`.
 * IM's `Correlate` slides the kernel as is; its `Convolve` rotates the kernel 180°
 * first (the mathematical convolution). Those are exactly Kernel Studio's two modes,
 * so the kernel values are K itself in both and only the method name changes.
 *
 * IM keeps the image size (virtual pixels at the edges). With the origin at +0+0 the
 * d2l "valid" output sits at the top-left for Correlate and, because Convolve reflects
 * the origin too, at the bottom-right for Convolve; the suggested command chops the
 * rest. Checked against ImageMagick 6.9.11 on 2×2 kernels, bias included.
 */
import type { Matrix } from '../matrix';
import type { Mode } from '../types';
import { formatFloat32 } from './numbers';

/** "WxH: v1,v2,…" with width (columns) first, as ImageMagick's geometry does; `+0+0` pins the origin. */
export function imageMagickKernel(kernel: Matrix, pinOrigin = false): string {
  const origin = pinOrigin ? '+0+0' : '';
  return `${kernel.cols}x${kernel.rows}${origin}: ${Array.from(kernel.data, formatFloat32).join(',')}`;
}

/** The `-morphology` method that reproduces a mode. */
export function imageMagickMethod(mode: Mode): 'Correlate' | 'Convolve' {
  return mode === 'convolve' ? 'Convolve' : 'Correlate';
}

/**
 * The program each ImageMagick version runs as: version 7 is `magick` (its `convert` is a
 * deprecated alias that behaves like IM6); version 6 has no `magick` and runs as `convert`.
 * The options after it are the same in both.
 */
export const IMAGEMAGICK_PROGRAMS = { 7: 'magick', 6: 'convert' } as const;
export type ImageMagickVersion = keyof typeof IMAGEMAGICK_PROGRAMS;

/**
 * A full command line for ImageMagick `version` (7 by default) whose output is Kernel
 * Studio's Y: same values, same (H−kh+1)×(W−kw+1) size. A colour input becomes grey with the
 * app's Rec. 601 luma (0.299 R + 0.587 G + 0.114 B): `-grayscale Rec601Luma`, not `-colorspace
 * Gray`, which is Rec. 709 in IM6 (up to 0.12 apart). The bias, on the 0..1 scale,
 * becomes `convolve:bias` as a percentage of the range (it must precede `-morphology`).
 */
export function imageMagickCommand(
  kernel: Matrix,
  bias: number,
  mode: Mode,
  version: ImageMagickVersion = 7,
): string {
  const biasDefine = bias === 0 ? '' : ` -define convolve:bias=${formatFloat32(bias * 100)}%`;
  const gravity = mode === 'convolve' ? 'NorthWest' : 'SouthEast';
  const chop =
    kernel.rows > 1 || kernel.cols > 1
      ? ` -gravity ${gravity} -chop ${kernel.cols - 1}x${kernel.rows - 1} +repage`
      : '';
  const kernelText = imageMagickKernel(kernel, true);
  const program = IMAGEMAGICK_PROGRAMS[version];
  return `${program} input.png -grayscale Rec601Luma${biasDefine} -morphology ${imageMagickMethod(mode)} '${kernelText}'${chop} output.png`;
}

/** The text export: comments naming the semantics, the kernel string, and the command. */
export function imageMagickExport(kernel: Matrix, bias: number, mode: Mode): string {
  const operation = mode === 'convolve' ? 'true convolution (K rotated 180°)' : 'cross-correlation (K as is)';
  return [
    `# Kernel Studio kernel for ImageMagick: ${kernel.rows}×${kernel.cols} (rows×cols), written WxH, row-major.`,
    `# Mode ${mode}: ${operation}. ImageMagick's Correlate slides the kernel as is; Convolve rotates it 180° first.`,
    '# The commands pin the kernel origin at +0+0 and chop the border so the output is the d2l "valid" Y.',
    '# Negative results clip to 0 unless ImageMagick is built with HDRI; add a bias (convolve:bias) to see them.',
    imageMagickKernel(kernel),
    ...([7, 6] as const).flatMap((version) => [
      `# ImageMagick ${version}: the program is \`${IMAGEMAGICK_PROGRAMS[version]}\`.`,
      imageMagickCommand(kernel, bias, mode, version),
    ]),
    '',
  ].join('\n');
}
