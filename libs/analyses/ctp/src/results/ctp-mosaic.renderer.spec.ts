import { syntheticPerfusionResult } from '@nidus/testing';
import { CORE_RGB, HYPOPERFUSION_RGB } from './ctp-colour-maps';
import { CtpMosaicImage, renderCtpMosaic } from './ctp-mosaic.renderer';

function pixel(img: CtpMosaicImage, left: number, top: number): number[] {
  const i = (top * img.columns + left) * 3;
  return [img.rgb[i], img.rgb[i + 1], img.rgb[i + 2]];
}

/** Where source pixel (x, y) lands in a tile (its centre, nearest neighbour). */
function inTile(img: CtpMosaicImage, z: number, x: number, y: number, rows: number, columns: number): [number, number] {
  const t = img.tiles[z];
  return [t.left + Math.floor(((x + 0.5) * t.width) / columns), t.top + Math.floor(((y + 0.5) * t.height) / rows)];
}

describe(renderCtpMosaic.name, () => {
  for (const slices of [5, 12]) {
    it(`puts all ${slices} slices on one image, core in magenta over the green Tmax > 6 s region, where the masks are`, async () => {
      const grid = { rows: 40, columns: 48, slices };
      const hypo = { z: [1, slices - 1] as [number, number], y: [8, 30] as [number, number], x: [26, 44] as [number, number] };
      const core = { z: [2, 3] as [number, number], y: [14, 22] as [number, number], x: [30, 38] as [number, number] };
      const result = syntheticPerfusionResult({ ...grid, hypoperfusion: hypo, core, voxelMl: 0.05 });
      const img = await renderCtpMosaic({
        maps: result.maps,
        summary: result.summary,
        PixelSpacing: [0.8, 0.8],
        ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
        slicePositionsMm: Array.from({ length: slices }, (_, z) => z * 5),
        version: '0.1.0-test',
        voxelVolumeMl: 0.05,
        tileSize: 96,
      });
      expect(img.tiles).toHaveLength(slices);
      expect(img.rgb).toHaveLength(img.rows * img.columns * 3);
      // tiles do not overlap and lie inside the image
      for (const [i, a] of img.tiles.entries()) {
        expect(a.left + a.width).toBeLessThanOrEqual(img.columns);
        expect(a.top + a.height).toBeLessThanOrEqual(img.rows);
        for (const b of img.tiles.slice(i + 1))
          expect(a.left + a.width <= b.left || b.left + b.width <= a.left || a.top + a.height <= b.top || b.top + b.height <= a.top).toBe(true);
      }
      const at = (z: number, x: number, y: number) => pixel(img, ...inTile(img, z, x, y, grid.rows, grid.columns));
      const isMagenta = ([r, g, b]: number[]) => r > 120 && b > 120 && g < 80;
      const isGreen = ([r, g, b]: number[]) => g > 60 && g > r + 40 && g > b + 40;
      expect(isMagenta(at(2, 34, 18))).toBe(true); // core, slice 3
      expect(isGreen(at(1, 34, 18))).toBe(true); // only Tmax > 6 s on slice 2
      expect(isGreen(at(2, 28, 10))).toBe(true); // around the core on slice 3
      expect(at(0, 34, 18)).toEqual([0, 0, 0]); // slice 1 has no lesion (and no anatomy was given)
      expect(at(2, 10, 18)).toEqual([0, 0, 0]); // the other side
      expect(CORE_RGB).toEqual([255, 0, 255]);
      expect(HYPOPERFUSION_RGB).toEqual([0, 255, 0]);
    });
  }
});
