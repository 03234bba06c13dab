import { ModelInputError } from '../inference.errors';
import type { PreprocessingStep } from '../manifest/preprocessing-step.schema';
import { preprocessingStepSchema } from '../manifest/preprocessing-step.schema';
import { sourceFixture, type SourceFixtureOptions } from '../test/model-source.fixture';
import { applyStep, preprocess, sourceGrid } from './preprocess';
import { manifestFixture } from '../test/manifest.fixture';
import { SeededRandom } from '@nidus/testing';
import type { Grid } from './grid';
import { cropOrPadShift } from './crop-or-pad.step';
import { resampledSize } from './resample.step';
import { orientation } from './orient.step';

const step = (json: object): PreprocessingStep => preprocessingStepSchema.parse(json);

function run(options: SourceFixtureOptions, steps: object[], item: number | 'volume' = 0): Grid {
  const source = sourceFixture(options);
  const slice = item === 'volume' ? undefined : item;
  const grid = slice === undefined ? sourceGrid(source, 0, source.geometry.slices) : sourceGrid(source, slice, 1);
  return steps.reduce<Grid>((g, s) => applyStep(g, step(s), { modelId: 'test', source, slice }), grid);
}

const values = (g: Grid) => Array.from(g.data).map((v) => Math.round(v * 1e6) / 1e6);

describe(applyStep.name, () => {
  it('modalityLut applies each slice its own rescale and records the output range', () => {
    const g = run(
      {
        stored: [0, 10, 100, 1000, 0, 10, 100, 1000],
        rows: 2,
        columns: 2,
        slices: 2,
        modalityLuts: [
          { kind: 'rescale', RescaleSlope: 1, RescaleIntercept: -1024 },
          { kind: 'rescale', RescaleSlope: 2, RescaleIntercept: -1000 },
        ],
      },
      [{ op: 'modalityLut' }],
      'volume',
    );
    expect(values(g)).toEqual([-1024, -1014, -924, -24, -1000, -980, -800, 1000]);
    expect(g.range).toEqual([-1024, 4095 * 2 - 1000]);
  });

  it('window follows PS3.3 C.11.2.1.2 (LINEAR) onto the declared range', () => {
    // c = 40, w = 80: x <= -0.5 -> 0, x > 79.5 -> 1, else ((x - 39.5) / 79 + 0.5)
    const g = run({ stored: [-100, 0, 39.5, 79, 200, 40], rows: 1, columns: 6 }, [{ op: 'modalityLut' }, { op: 'window', center: 40, width: 80 }]);
    expect(values(g)).toEqual([0, 0.5 - 39.5 / 79, 0.5, 0.5 + 39.5 / 79, 1, 0.5 + 0.5 / 79].map((v) => Math.round(v * 1e6) / 1e6));
    const exact = run({ stored: [0, 20, 60, 80], rows: 1, columns: 4 }, [
      { op: 'modalityLut' },
      { op: 'window', center: 40, width: 80, function: 'LINEAR_EXACT', range: [-1, 1] },
    ]);
    expect(values(exact)).toEqual([-1, -0.5, 0.5, 1]);
  });

  it("window 'image' uses the image's own window, the declared one as fallback, and refuses when there is neither", () => {
    const own = run({ stored: [0, 100], rows: 1, columns: 2, vois: [{ center: 50, width: 100, function: 'LINEAR_EXACT' }] }, [
      { op: 'modalityLut' },
      { op: 'window', use: 'image', center: 1000, width: 10 },
    ]);
    expect(values(own)).toEqual([0, 1]);
    const fallback = run({ stored: [995, 1005], rows: 1, columns: 2 }, [
      { op: 'modalityLut' },
      { op: 'window', use: 'image', center: 1000, width: 10, function: 'LINEAR_EXACT' },
    ]);
    expect(values(fallback)).toEqual([0.5 - 0.5, 1]);
    expect(() => run({ stored: [1, 2], rows: 1, columns: 2 }, [{ op: 'modalityLut' }, { op: 'window', use: 'image' }])).toThrow(ModelInputError);
  });

  it('invertMonochrome1 turns MONOCHROME1 over the current range and leaves MONOCHROME2 alone', () => {
    const steps = [{ op: 'modalityLut' }, { op: 'window', center: 50, width: 100, function: 'LINEAR_EXACT' }, { op: 'invertMonochrome1' }];
    expect(values(run({ stored: [0, 25, 100], rows: 1, columns: 3, PhotometricInterpretation: 'MONOCHROME1' }, steps))).toEqual([1, 0.75, 0]);
    expect(values(run({ stored: [0, 25, 100], rows: 1, columns: 3 }, steps))).toEqual([0, 0.25, 1]);
    // straight after the stored values: over BitsStored's range 0..4095
    expect(values(run({ stored: [0, 95], rows: 1, columns: 2, PhotometricInterpretation: 'MONOCHROME1' }, [{ op: 'invertMonochrome1' }]))).toEqual([
      4095, 4000,
    ]);
  });

  it('scaleIntensity maps a range onto a range, clipped unless told otherwise', () => {
    const s = { op: 'scaleIntensity', from: [-1000, 1000], to: [0, 1] };
    expect(values(run({ stored: [-2000, -1000, 0, 500, 3000], rows: 1, columns: 5 }, [s]))).toEqual([0, 0, 0.5, 0.75, 1]);
    expect(values(run({ stored: [-2000, 3000], rows: 1, columns: 2 }, [{ ...s, clip: false }]))).toEqual([-0.5, 2]);
  });

  it('normalize: constant per channel, and z-score over the foreground', () => {
    const constant = run({ stored: [1, 3], rows: 1, columns: 2 }, [
      { op: 'channels', count: 2 },
      { op: 'normalize', mode: 'constant', mean: [1, 2], std: [2, 4] },
    ]);
    expect(values(constant)).toEqual([0, 1, -0.25, 0.25]);
    // foreground {2, 4, 6}: mean 4, population std sqrt(8/3)
    const std = Math.sqrt(8 / 3);
    const z = run({ stored: [0, 2, 4, 6], rows: 1, columns: 4 }, [{ op: 'normalize', mode: 'zscore', foregroundAbove: 0, background: 'zero' }]);
    expect(values(z)).toEqual([0, -2 / std, 0, 2 / std].map((v) => Math.round(v * 1e6) / 1e6));
    const all = run({ stored: [5, 5], rows: 1, columns: 2 }, [{ op: 'normalize', mode: 'zscore' }]);
    expect(values(all)).toEqual([0, 0]); // std 0 is taken as 1
    expect(() => run({ stored: [0, 0], rows: 1, columns: 2 }, [{ op: 'normalize', mode: 'zscore', foregroundAbove: 0 }])).toThrow(/no voxel is above/);
    // nonzero: the foreground is {-2, 2}, mean 0, std 2; zeros stay 0
    const nonzero = run({ stored: [-2, 0, 2, 0], rows: 1, columns: 4, storedRange: [-10, 10] }, [
      { op: 'normalize', mode: 'zscore', nonzero: true, background: 'zero' },
    ]);
    expect(values(nonzero)).toEqual([-1, 0, 1, 0]);
  });

  it('resize keeps the map from source index to grid coordinate (half-pixel rule) and scales the spacing', () => {
    const g = run({ stored: [0, 1, 2, 3, 4, 5, 6, 7], rows: 2, columns: 4, spacingMm: [0.5, 1, 3] }, [{ op: 'resize', shape: [4, 2] }]);
    expect(g.dims).toEqual([1, 4, 2]);
    expect(g.maps[1]).toEqual({ source: 1, scale: 2, offset: 0.5 });
    expect(g.maps[2]).toEqual({ source: 2, scale: 0.5, offset: -0.25 });
    expect(g.spacingMm).toEqual([3, 0.5, 1]);
  });

  it('resample keeps voxel 0 and sizes each axis round((n - 1) s / t) + 1', () => {
    expect(resampledSize(10, 1, 2)).toBe(5); // round(4.5), half to even, + 1
    expect(resampledSize(12, 1, 2)).toBe(7); // round(5.5) + 1
    expect(resampledSize(5, 3, 1)).toBe(13);
    const g = run({ stored: [0, 10, 20, 30, 40], rows: 1, columns: 5, spacingMm: [2, 1, 1] }, [{ op: 'resample', spacingMm: [1, 4] }]);
    expect(g.dims).toEqual([1, 1, 3]);
    expect(values(g)).toEqual([0, 20, 40]);
    expect(g.maps[2]).toEqual({ source: 2, scale: 0.5, offset: 0 });
    expect(() => run({ stored: [1], rows: 1, columns: 1 }, [{ op: 'resample', spacingMm: [1, 1] }])).toThrow(/PixelSpacing/);
  });

  it('cropOrPad follows the centre rules (crop floor(n/2) - floor(m/2), pad floor((m - n)/2) before)', () => {
    expect(cropOrPadShift(6, 3)).toBe(-2);
    expect(cropOrPadShift(7, 3)).toBe(-2);
    expect(cropOrPadShift(3, 6)).toBe(1);
    expect(cropOrPadShift(3, 4)).toBe(0);
    const g = run({ stored: [1, 2, 3, 4, 5, 6], rows: 1, columns: 6 }, [{ op: 'cropOrPad', shape: [3, 3], padValue: -1 }]);
    expect(values(g)).toEqual([-1, -1, -1, 3, 4, 5, -1, -1, -1]);
    const edge = run({ stored: [1, 2], rows: 1, columns: 2 }, [{ op: 'cropOrPad', shape: [1, 5], padMode: 'edge' }]);
    expect(values(edge)).toEqual([1, 1, 2, 2, 2]); // pad (1, 2)
    const padOnly = run({ stored: [1, 2, 3, 4, 5, 6], rows: 1, columns: 6 }, [{ op: 'cropOrPad', shape: [3, 3], crop: false, padValue: 0 }]);
    expect(padOnly.dims).toEqual([1, 3, 6]);
    const cropOnly = run({ stored: [1, 2, 3, 4, 5, 6], rows: 1, columns: 6 }, [{ op: 'cropOrPad', shape: [3, 3], pad: false }]);
    expect(values(cropOnly)).toEqual([3, 4, 5]);
  });

  it('orient picks the axes nearest the named directions and flips those that point away', () => {
    const axial: [number, number, number] = [0, 0, 1]; // normal
    const directions = [axial, [0, 1, 0], [1, 0, 0]] as [[number, number, number], [number, number, number], [number, number, number]];
    // RAS: R is -x (the row direction, grid axis 2, flipped), A is -y (axis 1, flipped), S is +z (axis 0)
    expect(orientation('RAS', directions, 'm')).toEqual({ order: [2, 1, 0], flip: [true, true, false] });
    expect(orientation('SPL', directions, 'm')).toEqual({ order: [0, 1, 2], flip: [false, false, false] });
    expect(orientation('xyz', undefined, 'm')).toEqual({ order: [2, 1, 0], flip: [false, false, false] });
    const g = run(
      { stored: [1, 2, 3, 4, 5, 6, 7, 8], rows: 2, columns: 2, slices: 2, ImageOrientationPatient: [1, 0, 0, 0, 1, 0], spacingMm: [1, 2, 3] },
      [{ op: 'orient', to: 'RAS' }],
      'volume',
    );
    // tensor [r][a][s] = source[z = s][y = 1 - a][x = 1 - r]
    expect(values(g)).toEqual([4, 8, 2, 6, 3, 7, 1, 5]);
    expect(g.spacingMm).toEqual([1, 2, 3]);
    expect(g.maps[0]).toEqual({ source: 2, scale: -1, offset: 1 });
  });

  it('preprocess gives, through its lookup tables, exactly what the steps give one after another', () => {
    const random = new SeededRandom(8);
    const stored = Array.from({ length: 3 * 5 * 7 }, () => Math.floor(random.uniform(0, 4096)));
    const options: SourceFixtureOptions = {
      stored,
      rows: 5,
      columns: 7,
      slices: 3,
      PhotometricInterpretation: 'MONOCHROME1',
      spacingMm: [1, 1, 2],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      modalityLuts: [0, 1, 2].map((z) => ({ kind: 'rescale' as const, RescaleSlope: 1 + z * 0.5, RescaleIntercept: -1000 + 7 * z })),
      vois: [0, 1, 2].map((z) => ({ center: 1000 + 300 * z, width: 1500, function: 'LINEAR' as const })),
    };
    const steps = [
      { op: 'modalityLut' },
      { op: 'window', use: 'image', range: [-1, 2] },
      { op: 'invertMonochrome1' },
      { op: 'scaleIntensity', from: [0, 1], to: [10, 20], clip: false },
      { op: 'normalize', mode: 'constant', mean: 3, std: 2 },
      { op: 'resize', shape: [4, 4] },
    ];
    for (const consumes of ['slices', 'volume'] as const) {
      const manifest = manifestFixture({
        task: 'segmentation',
        consumes,
        input: { name: 'x', layout: consumes === 'volume' ? 'NCDHW' : 'NCHW', shape: consumes === 'volume' ? [1, 1, 'D', 'H', 'W'] : ['N', 1, 'H', 'W'] },
        preprocessing: consumes === 'volume' ? [...steps.slice(0, 5), { op: 'resize', shape: [3, 4, 4] }] : steps,
        output: {
          tensor: { name: 'y', shape: consumes === 'volume' ? [1, 1, 'D', 'H', 'W'] : ['N', 1, 'H', 'W'] },
          activation: 'sigmoid',
          classes: [{ index: 0, code: { scheme: 'SCT', value: '52988006', meaning: 'Lesion' }, colour: [1, 1, 1] }],
        },
      });
      const tabulated = preprocess(manifest, sourceFixture(options));
      const one = (item: number | 'volume') => run(options, manifest.preprocessing, item);
      const expected = consumes === 'volume' ? [one('volume')] : [0, 1, 2].map((z) => one(z));
      expect(tabulated.map((p) => Array.from(p.grid.data))).toEqual(expected.map((g) => Array.from(g.data)));
    }
  });

  it('a resize after the pointwise steps reads the table in its first pass: the same values as the steps one after another', () => {
    const random = new SeededRandom(21);
    const stored = Array.from({ length: 2 * 9 * 11 }, () => Math.floor(random.uniform(0, 4096)));
    // one LUT and VOI for both slices, so that a volume also takes one table
    const options: SourceFixtureOptions = {
      stored,
      rows: 9,
      columns: 11,
      slices: 2,
      PhotometricInterpretation: 'MONOCHROME1',
      spacingMm: [1, 1, 2],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      modalityLuts: [0, 1].map(() => ({ kind: 'rescale' as const, RescaleSlope: 0.5, RescaleIntercept: -100 })),
      vois: [0, 1].map(() => ({ center: 900, width: 1600, function: 'LINEAR' as const })),
    };
    const prefix = [{ op: 'modalityLut' }, { op: 'window', use: 'image', range: [0, 1] }, { op: 'invertMonochrome1' }];
    // the first pass along x, along y only (width kept), along z only, and no pass at all
    const shapes: Record<'slices' | 'volume', number[][]> = {
      slices: [
        [4, 5],
        [4, 11],
        [9, 11],
      ],
      volume: [
        [2, 4, 5],
        [1, 9, 11],
        [2, 9, 11],
      ],
    };
    for (const consumes of ['slices', 'volume'] as const) {
      for (const interpolation of ['area', 'linear', 'nearest'] as const) {
        for (const shape of shapes[consumes]) {
          const manifest = manifestFixture({
            task: 'segmentation',
            consumes,
            input: { name: 'x', layout: consumes === 'volume' ? 'NCDHW' : 'NCHW', shape: consumes === 'volume' ? [1, 1, 'D', 'H', 'W'] : ['N', 1, 'H', 'W'] },
            preprocessing: [...prefix, { op: 'resize', shape, interpolation }, { op: 'scaleIntensity', from: [0, 1], to: [-1, 1] }],
            output: {
              tensor: { name: 'y', shape: consumes === 'volume' ? [1, 1, 'D', 'H', 'W'] : ['N', 1, 'H', 'W'] },
              activation: 'sigmoid',
              classes: [{ index: 0, code: { scheme: 'SCT', value: '52988006', meaning: 'Lesion' }, colour: [1, 1, 1] }],
            },
          });
          const tabulated = preprocess(manifest, sourceFixture(options));
          const one = (item: number | 'volume') => run(options, manifest.preprocessing, item);
          const expected = consumes === 'volume' ? [one('volume')] : [0, 1].map((z) => one(z));
          expect(tabulated.map((p) => [p.grid.dims, p.grid.range, Array.from(p.grid.data)])).toEqual(
            expected.map((g) => [g.dims, g.range, Array.from(g.data)]),
          );
        }
      }
    }
  });
});
