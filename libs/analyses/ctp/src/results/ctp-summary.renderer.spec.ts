import type { PerfusionResult } from '@nidus/perfusion';
import { BANNER_RGB, CtpSummaryImage, directionLetter, renderCtpSummarySlice } from './ctp-summary.renderer';
import { CORE_RGB, HYPOPERFUSION_RGB } from './ctp-colour-maps';
import { syntheticPerfusionResult } from '@nidus/testing';

const base = { PixelSpacing: [0.8, 0.8] as [number, number], ImageOrientationPatient: [1, 0, 0, 0, 1, 0], version: '0.1.0-test', sliceLabel: 'slice 2 of 3' };
const grid = { rows: 40, columns: 48, slices: 3 };
const hypoperfusion = { z: [0, 3] as [number, number], y: [8, 30] as [number, number], x: [4, 22] as [number, number] };
const core = { z: [1, 2] as [number, number], y: [12, 20] as [number, number], x: [6, 12] as [number, number] };

function pixel(img: CtpSummaryImage, left: number, top: number): [number, number, number] {
  const i = (top * img.columns + left) * 3;
  return [img.rgb[i], img.rgb[i + 1], img.rgb[i + 2]];
}

/** The first panel column (row) whose nearest source pixel is source column (row) k: where a mask edge lands. */
function firstOutput(k: number, source: number, panel: number): number {
  return Math.ceil((k * panel) / source - 0.5);
}

describe(renderCtpSummarySlice.name, () => {
  let result: PerfusionResult;
  let img: CtpSummaryImage;
  beforeAll(async () => {
    result = syntheticPerfusionResult({ ...grid, hypoperfusion, core, voxelMl: 0.05 });
    img = await renderCtpSummarySlice({ ...base, maps: result.maps, summary: result.summary, z: 1 });
  });

  it('draws the Tmax > 6 s outline in green exactly on the edge of the region', () => {
    const p = img.tmaxPanel;
    const u0 = firstOutput(hypoperfusion.x[0], grid.columns, p.width);
    const v0 = firstOutput(hypoperfusion.y[0], grid.rows, p.height);
    const vMid = Math.round((firstOutput(hypoperfusion.y[0], grid.rows, p.height) + firstOutput(hypoperfusion.y[1], grid.rows, p.height)) / 2);
    const uMid = Math.round((u0 + firstOutput(hypoperfusion.x[1], grid.columns, p.width)) / 2);
    expect(pixel(img, p.left + u0, p.top + vMid)).toEqual([...HYPOPERFUSION_RGB]); // left edge
    expect(pixel(img, p.left + uMid, p.top + v0)).toEqual([...HYPOPERFUSION_RGB]); // top edge
    expect(pixel(img, p.left + u0 - 1, p.top + vMid)).not.toEqual([...HYPOPERFUSION_RGB]); // just outside
    expect(pixel(img, p.left + u0 + 4, p.top + vMid)).toEqual([255, 0, 0]); // inside: Tmax 12 s, the top of the ramp
  });

  it('fills the core in magenta on the rCBF panel and leaves the rest in the rCBF colours', () => {
    const p = img.rcbfPanel;
    const u = Math.round((firstOutput(core.x[0], grid.columns, p.width) + firstOutput(core.x[1], grid.columns, p.width)) / 2);
    const v = Math.round((firstOutput(core.y[0], grid.rows, p.height) + firstOutput(core.y[1], grid.rows, p.height)) / 2);
    const [r, g, b] = pixel(img, p.left + u, p.top + v);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(60);
    expect(b).toBeGreaterThan(140);
    expect(pixel(img, p.left + firstOutput(core.x[0], grid.columns, p.width), p.top + v)).toEqual([...CORE_RGB]);
    // normal tissue (rCBF 100 %) far from both regions is pale yellow, not magenta
    const [nr, ng, nb] = pixel(img, p.left + p.width - 40, p.top + p.height - 30);
    expect([nr > 240, ng > 200, nb < 150]).toEqual([true, true, true]);
    // outside the brain, with no anatomy given: black
    expect(pixel(img, p.left + 1, p.top + 1)).toEqual([0, 0, 0]);
  });

  it('marks the image NOT FOR DIAGNOSTIC USE in a red band with light text', () => {
    const { banner } = img;
    let red = 0,
      light = 0;
    for (let v = banner.top; v < banner.top + banner.height; v++)
      for (let u = banner.left; u < banner.left + banner.width; u++) {
        const [r, g, b] = pixel(img, u, v);
        if (r === BANNER_RGB[0] && g === BANNER_RGB[1] && b === BANNER_RGB[2]) red++;
        if (r > 200 && g > 200 && b > 200) light++;
      }
    const area = banner.width * banner.height;
    expect(red / area).toBeGreaterThan(0.6);
    expect(light / area).toBeGreaterThan(0.03);
  });

  it('writes the numbers: a different summary gives a different header and the same panels', async () => {
    const other = { ...result.summary, coreVolumeMl: 61.5, eligibility: { defuse3: false, extend: false } };
    const img2 = await renderCtpSummarySlice({ ...base, maps: result.maps, summary: other, z: 1 });
    const header = (i: CtpSummaryImage) => i.rgb.subarray(0, 95 * i.columns * 3);
    const panels = (i: CtpSummaryImage) => i.rgb.subarray(i.tmaxPanel.top * i.columns * 3, (i.tmaxPanel.top + i.tmaxPanel.height) * i.columns * 3);
    expect(Buffer.from(header(img2)).equals(Buffer.from(header(img)))).toBe(false);
    expect(Buffer.from(panels(img2)).equals(Buffer.from(panels(img)))).toBe(true);
    const bright = Array.from(header(img).keys()).filter((k) => k % 3 === 0 && header(img)[k] > 200).length;
    expect(bright).toBeGreaterThan(500);
  });

  it('keeps the patient proportions for non-square pixels, and draws anatomy outside the brain', async () => {
    const anatomy = new Float32Array(grid.rows * grid.columns).fill(80); // above the brain window: white
    const tall = await renderCtpSummarySlice({ ...base, PixelSpacing: [1.6, 0.8], maps: result.maps, summary: result.summary, z: 0, anatomy });
    expect([tall.tmaxPanel.width, tall.tmaxPanel.height]).toEqual([192, 320]);
    expect(pixel(tall, tall.tmaxPanel.left + 1, tall.tmaxPanel.top + 1)).toEqual([255, 255, 255]);
  });
});

describe(directionLetter.name, () => {
  it.each([
    [[1, 0, 0], 'L'],
    [[-1, 0, 0], 'R'],
    [[0, 1, 0], 'P'],
    [[0, -0.9, 0.3], 'A'],
    [[0, 0.2, 1], 'H'],
    [[0.1, 0, -1], 'F'],
  ])('%j points to %s (LPS)', (vector, letter) => expect(directionLetter(vector as number[])).toBe(letter));
});
