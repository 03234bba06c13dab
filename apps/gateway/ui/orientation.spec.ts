import { orientationLabels } from './orientation';

describe(orientationLabels.name, () => {
  it('puts the patient left on the right edge of an axial image (radiological convention)', () => {
    expect(orientationLabels([1, 0, 0, 0, 1, 0])).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
  });

  it('labels a coronal and a sagittal image', () => {
    expect(orientationLabels([1, 0, 0, 0, 0, -1])).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    expect(orientationLabels([0, 1, 0, 0, 0, -1])).toEqual({ left: 'A', right: 'P', top: 'H', bottom: 'F' });
  });

  it('names the two strongest axes of an oblique image, strongest first', () => {
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    expect(orientationLabels([c, s, 0, -s, c, 0])).toEqual({ left: 'RA', right: 'LP', top: 'AL', bottom: 'PR' });
  });

  it('swaps labels when the view is flipped, and has none without an orientation', () => {
    expect(orientationLabels([1, 0, 0, 0, 1, 0], { h: true, v: false })).toEqual({ left: 'L', right: 'R', top: 'A', bottom: 'P' });
    expect(orientationLabels(null)).toBeNull();
  });
});
