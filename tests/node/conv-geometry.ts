// Random valid conv2d geometries for the property suites (fast-check): the
// dilated kernel fits the padded input, so a transposed convolution with the
// same numbers is valid too. Each suite picks how many channels and pixels.
import fc from 'fast-check';

export interface Geometry {
  batch: number;
  groups: number;
  cin: number;
  cout: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  seed: number;
}

const pair = (lo: number, hi: number) => fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }));

export function convGeometry(limits: { maxCoutPerGroup: number; maxSize: number }): fc.Arbitrary<Geometry> {
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cinPerGroup: fc.integer({ min: 1, max: 3 }),
      coutPerGroup: fc.integer({ min: 1, max: limits.maxCoutPerGroup }),
      h: fc.integer({ min: 1, max: limits.maxSize }),
      w: fc.integer({ min: 1, max: limits.maxSize }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      stride: pair(1, 3),
      padding: pair(0, 3),
      dilation: pair(1, 3),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .filter(
      (g) =>
        g.h + 2 * g.padding[0] >= g.dilation[0] * (g.kh - 1) + 1 &&
        g.w + 2 * g.padding[1] >= g.dilation[1] * (g.kw - 1) + 1,
    )
    .map(({ cinPerGroup, coutPerGroup, ...g }) => ({
      ...g,
      cin: cinPerGroup * g.groups,
      cout: coutPerGroup * g.groups,
    }));
}

/** conv2d's options for a geometry. */
export const optionsOf = (g: Geometry) => ({
  stride: g.stride,
  padding: g.padding,
  dilation: g.dilation,
  groups: g.groups,
});
