import { readPart10, SopClass, writePart10 } from '@nidus/dicom';
import { withPrivateElements } from '@nidus/testing';
import { bValueOf, mrHeaderFacts, type MrHeaderFacts } from './mr-header-facts';
import { recogniseMrSeries } from './mr-series-role';

function facts(count: number, make: (i: number) => Partial<MrHeaderFacts>): MrHeaderFacts[] {
  return Array.from({ length: count }, (_, i) => ({ SeriesInstanceUID: '1.2.3', Modality: 'MR', ImageType: ['ORIGINAL', 'PRIMARY'], ...make(i) }));
}

describe(recogniseMrSeries.name, () => {
  it('recognises a diffusion series by its b-values, whatever the vendor tag they came from', () => {
    const r = recogniseMrSeries(facts(20, (i) => ({ bValue: i < 10 ? 0 : 1000, position: `0\\0\\${i % 10}`, EchoTime: 89 })));
    expect(r).toMatchObject({ role: 'diffusion', bValues: [0, 1000] });
  });

  it('takes the b = 0 half of a split acquisition as diffusion only when described so', () => {
    const b0 = (SeriesDescription: string) => recogniseMrSeries(facts(10, (i) => ({ bValue: 0, position: `0\\0\\${i}`, SeriesDescription })));
    expect(b0('ep2d_diff b0').role).toBe('diffusion');
    expect(b0('t2_tse_tra').role).toBeNull();
  });

  it('recognises an ADC map by ImageType or, failing that, by its description', () => {
    expect(recogniseMrSeries(facts(10, () => ({ ImageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC'] }))).role).toBe('adc');
    expect(recogniseMrSeries(facts(10, () => ({ ImageType: ['DERIVED', 'SECONDARY'], SeriesDescription: 'dDWI_ADC' }))).role).toBe('adc');
    expect(
      recogniseMrSeries(facts(10, () => ({ ImageType: ['DERIVED', 'SECONDARY'], SeriesDescription: 'Apparent Diffusion Coefficient (mm2/s)' }))).role,
    ).toBe('adc');
  });

  it('recognises DSC by its time points and a T2*-weighted echo time, with or without temporal position tags', () => {
    const tagged = recogniseMrSeries(
      facts(12 * 40, (i) => ({ EchoTime: 30, NumberOfTemporalPositions: 40, TemporalPositionIdentifier: Math.floor(i / 12) + 1 })),
    );
    expect(tagged).toMatchObject({ role: 'perfusion', timePoints: 40, EchoTime: 30 });
    const untagged = recogniseMrSeries(facts(12 * 40, (i) => ({ EchoTime: 45, position: `0\\0\\${i % 12}` })));
    expect(untagged).toMatchObject({ role: 'perfusion', timePoints: 40 });
  });

  it('refuses dynamic series that are not DSC, and what is not MR, with the reason', () => {
    const dce = recogniseMrSeries(facts(12 * 40, (i) => ({ EchoTime: 1.8, position: `0\\0\\${i % 12}` })));
    expect(dce).toEqual({ role: null, reason: expect.stringContaining('not T2*-weighted DSC') });
    expect(recogniseMrSeries(facts(40, (i) => ({ position: `0\\0\\${i % 4}` }))).reason).toContain('no EchoTime');
    expect(recogniseMrSeries(facts(3, () => ({ Modality: 'CT' }))).reason).toContain('not MR');
    expect(recogniseMrSeries(facts(24, (i) => ({ EchoTime: 100, position: `0\\0\\${i}` }))).role).toBeNull();
    expect(recogniseMrSeries([]).role).toBeNull();
  });
});

describe(bValueOf.name, () => {
  const header = (elements: Record<string, unknown>, privates: Parameters<typeof withPrivateElements>[1] = []) => {
    const bytes = writePart10({
      SOPClassUID: SopClass.MRImageStorage,
      SOPInstanceUID: '1.2.3.4',
      Modality: 'MR',
      SeriesInstanceUID: '1.2.3.5',
      ImagePositionPatient: [0, 0, 12.5],
      ...(elements as object),
    });
    return readPart10(privates.length ? withPrivateElements(bytes, privates) : bytes);
  };

  it('reads DiffusionBValue (0018,9087) first', () => {
    expect(bValueOf(header({ DiffusionBValue: 1000 }))).toBe(1000);
    expect(bValueOf(header({ DiffusionBValue: 0 }))).toBe(0);
  });

  it('reads the Siemens b-value in the block its private creator reserved', () => {
    const at10 = header({}, [
      { tag: 0x00190010, vr: 'LO', value: 'SIEMENS MR HEADER' },
      { tag: 0x0019100c, vr: 'IS', value: 1000 },
    ]);
    expect(bValueOf(at10)).toBe(1000);
    // the same element number in another creator's block is not a b-value
    const other = header({}, [
      { tag: 0x00190010, vr: 'LO', value: 'OTHER VENDOR' },
      { tag: 0x0019100c, vr: 'IS', value: 1000 },
    ]);
    expect(bValueOf(other)).toBeUndefined();
    const at11 = header({}, [
      { tag: 0x00190010, vr: 'LO', value: 'OTHER VENDOR' },
      { tag: 0x00190011, vr: 'LO', value: 'SIEMENS MR HEADER' },
      { tag: 0x0019110c, vr: 'IS', value: 800 },
    ]);
    expect(bValueOf(at11)).toBe(800);
  });

  it('reads the GE b-value, with or without the 10^9 some software adds', () => {
    const ge = (value: string) =>
      bValueOf(
        header({}, [
          { tag: 0x00430010, vr: 'LO', value: 'GEMS_PARM_01' },
          { tag: 0x00431039, vr: 'IS', value },
        ]),
      );
    expect(ge('1000\\8\\0\\0')).toBe(1000);
    expect(ge('1000001000\\8\\0\\0')).toBe(1000);
    expect(ge('0\\8\\0\\0')).toBe(0);
  });

  it('gives the facts recognition reads', () => {
    const f = mrHeaderFacts(header({ DiffusionBValue: 1000, EchoTime: 89, ImageType: ['ORIGINAL', 'PRIMARY', 'DIFFUSION'], SeriesDescription: 'DWI' }));
    expect(f).toMatchObject({ SeriesInstanceUID: '1.2.3.5', Modality: 'MR', bValue: 1000, EchoTime: 89, ImageType: ['ORIGINAL', 'PRIMARY', 'DIFFUSION'] });
    expect(f.position).toBe('0.00\\0.00\\12.50');
  });
});
