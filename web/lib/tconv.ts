// The typed JavaScript API over the Embind module. Arguments are type-checked
// here and normalised to the plain objects the binding expects; results are
// JS-owned copies, so they stay valid after later calls and memory growth.

import type { CoreModule, RawConvOptions, RawError } from '../wasm/core.mjs';
import * as args from './args.js';
import type {
  Conv2dOptions,
  ConvMatrix,
  ConvMatrixOptions,
  ConvTranspose2dOptions,
  InterpolateOptions,
  OutputSizeOptions,
  RgbaImage,
  Tconv,
  Tensor,
  TransposedOutputSizeOptions,
  UpsampleOptions,
} from './types.js';

const CONV_KEYS = ['bias', 'stride', 'padding', 'dilation', 'groups'] as const;
const CONV_TRANSPOSE_KEYS = [...CONV_KEYS, 'outputPadding'] as const;
const SIZE_KEYS = ['stride', 'padding', 'dilation'] as const;
const TRANSPOSED_SIZE_KEYS = [...SIZE_KEYS, 'outputPadding'] as const;
const INTERPOLATE_KEYS = ['size', 'scaleFactor', 'mode', 'alignCorners'] as const;
const UPSAMPLE_KEYS = ['method', 'factor', 'size', 'alignCorners', 'kernel', 'onProgress'] as const;
const MATRIX_KEYS = ['inputSize', 'kernelSize', 'stride', 'padding', 'dilation'] as const;

function unwrap<T extends object>(result: T | RawError): T {
  if ('error' in result) throw new Error(result.error);
  return result;
}

function convOptions(fn: string, o: ConvTranspose2dOptions): RawConvOptions {
  return {
    stride: args.pair(fn, 'stride', o.stride, 1),
    padding: args.pair(fn, 'padding', o.padding, 0),
    dilation: args.pair(fn, 'dilation', o.dilation, 1),
    outputPadding: args.pair(fn, 'outputPadding', o.outputPadding, 0),
    groups: args.number(fn, 'groups', o.groups, 1),
  };
}

function sizePair(fn: string, name: string, value: unknown): [number, number] {
  if (!Array.isArray(value)) args.fail(fn, `${name} must be a [height, width] pair, got ${args.describe(value)}`);
  return args.pair(fn, name, value as [number, number], 0);
}

export function wrapCore(core: CoreModule): Tconv {
  return {
    conv2d(input: Tensor, weight: Tensor, options?: Conv2dOptions): Tensor {
      const fn = 'conv2d';
      const o = args.options(fn, options, CONV_KEYS);
      return unwrap(
        core.conv2d(
          args.tensor(fn, 'input', input),
          args.tensor(fn, 'weight', weight),
          args.optionalFloat32(fn, 'bias', o.bias),
          convOptions(fn, o),
        ),
      );
    },

    convTranspose2d(input: Tensor, weight: Tensor, options?: ConvTranspose2dOptions): Tensor {
      const fn = 'convTranspose2d';
      const o = args.options(fn, options, CONV_TRANSPOSE_KEYS);
      return unwrap(
        core.convTranspose2d(
          args.tensor(fn, 'input', input),
          args.tensor(fn, 'weight', weight),
          args.optionalFloat32(fn, 'bias', o.bias),
          convOptions(fn, o),
        ),
      );
    },

    interpolate(input: Tensor, options: InterpolateOptions): Tensor {
      const fn = 'interpolate';
      if (options === undefined || options === null)
        args.fail(fn, 'options { mode, size or scaleFactor } are required');
      const o = args.options(fn, options, INTERPOLATE_KEYS);
      if (typeof o.mode !== 'string') args.fail(fn, `mode must be a string, got ${args.describe(o.mode)}`);
      if (o.alignCorners !== undefined && typeof o.alignCorners !== 'boolean') {
        args.fail(fn, `alignCorners must be a boolean, got ${args.describe(o.alignCorners)}`);
      }
      return unwrap(
        core.interpolate(args.tensor(fn, 'input', input), {
          mode: o.mode,
          size: o.size === undefined ? null : args.pair(fn, 'size', o.size, 0),
          scaleFactor: o.scaleFactor === undefined ? null : args.pair(fn, 'scaleFactor', o.scaleFactor, 0),
          alignCorners: o.alignCorners ?? false,
        }),
      );
    },

    convMatrix(options: ConvMatrixOptions, kernel?: Float32Array): ConvMatrix {
      const fn = 'convMatrix';
      if (options === undefined || options === null) args.fail(fn, 'options { inputSize, kernelSize } are required');
      const o = args.options(fn, options, MATRIX_KEYS);
      return unwrap(
        core.convMatrix(
          {
            inputSize: sizePair(fn, 'inputSize', o.inputSize),
            kernelSize: sizePair(fn, 'kernelSize', o.kernelSize),
            stride: args.pair(fn, 'stride', o.stride, 1),
            padding: args.pair(fn, 'padding', o.padding, 0),
            dilation: args.pair(fn, 'dilation', o.dilation, 1),
          },
          args.optionalFloat32(fn, 'kernel', kernel),
        ),
      );
    },

    conv2dOutputSize(inputSize, kernelSize, options?: OutputSizeOptions): [number, number] {
      const fn = 'conv2dOutputSize';
      const o = args.options(fn, options, SIZE_KEYS);
      return unwrap(
        core.conv2dOutputSize(
          sizePair(fn, 'inputSize', inputSize),
          sizePair(fn, 'kernelSize', kernelSize),
          convOptions(fn, o),
        ),
      );
    },

    convTranspose2dOutputSize(inputSize, kernelSize, options?: TransposedOutputSizeOptions): [number, number] {
      const fn = 'convTranspose2dOutputSize';
      const o = args.options(fn, options, TRANSPOSED_SIZE_KEYS);
      return unwrap(
        core.convTranspose2dOutputSize(
          sizePair(fn, 'inputSize', inputSize),
          sizePair(fn, 'kernelSize', kernelSize),
          convOptions(fn, o),
        ),
      );
    },

    upsampleImage(image: RgbaImage, options: UpsampleOptions) {
      const fn = 'upsampleImage';
      if (options === undefined || options === null) args.fail(fn, 'options { method, factor } are required');
      const o = args.options(fn, options, UPSAMPLE_KEYS);
      const img = args.image(fn, 'image', image);
      if (typeof o.method !== 'string') args.fail(fn, `method must be a string, got ${args.describe(o.method)}`);
      if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
        args.fail(fn, `onProgress must be a function, got ${args.describe(o.onProgress)}`);
      }
      const kernel = o.kernel === undefined ? null : args.tensor(fn, 'kernel', o.kernel);
      return unwrap(
        core.upsampleImage(
          img.data,
          img.width,
          img.height,
          {
            method: o.method,
            factor: args.number(fn, 'factor', o.factor, 2),
            size: o.size === undefined ? null : sizePair(fn, 'size', o.size),
            alignCorners: args.boolean(fn, 'alignCorners', o.alignCorners),
            kernel: kernel ? kernel.data : null,
            kernelSize: kernel ? sizePair(fn, 'kernel.shape', kernel.shape) : null,
          },
          o.onProgress ?? null,
        ),
      );
    },

    imageDifference(a: RgbaImage, b: RgbaImage, gain = 1) {
      const fn = 'imageDifference';
      const first = args.image(fn, 'a', a);
      const second = args.image(fn, 'b', b);
      if (first.width !== second.width || first.height !== second.height) {
        args.fail(fn, `images differ in size: ${first.width}×${first.height} and ${second.width}×${second.height}`);
      }
      return unwrap(
        core.imageDifference(first.data, second.data, first.width, first.height, args.number(fn, 'gain', gain, 1)),
      );
    },

    bilinearKernel(factor: number): Tensor {
      return unwrap(core.bilinearKernel(args.number('bilinearKernel', 'factor', factor, 2)));
    },

    heapInUse: () => core.heapInUse(),
  };
}
