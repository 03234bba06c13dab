import { DEFAULT_PERFUSION_OPTIONS, resolvePerfusionOptions, type AnalyzePerfusionOptions, type PerfusionSettings } from './perfusion-options';

describe(resolvePerfusionOptions.name, () => {
  it('fills every stage with the defaults when nothing is given', () => {
    expect(resolvePerfusionOptions({})).toEqual(DEFAULT_PERFUSION_OPTIONS);
    expect(resolvePerfusionOptions()).toEqual(DEFAULT_PERFUSION_OPTIONS);
  });

  it('states the defaults the analysis has always used (subspace off, oSVD OI 0.035, minArrivalSnr 5, Tmax median 3 mm)', () => {
    const d = DEFAULT_PERFUSION_OPTIONS;
    expect(d.denoise.subspace).toBe(false);
    expect(d.denoise.smoothProfiles).toBe(false);
    expect(d.deconvolution.oscillationLimit).toBe(0.035);
    expect(d.deconvolution.intervalSeconds).toBeNull();
    expect(d.maps.minArrivalSnr).toBe(5);
    expect(d.maps.tmaxMedianMm).toBe(3);
    expect(d.lesions).toEqual({ coreWithinHypoperfusion: true, minClusterMl: 1, minAffectedMl: 5 });
  });

  // each public option, a value other than its default, and where it must arrive
  const routes: [keyof AnalyzePerfusionOptions, unknown, (s: PerfusionSettings) => unknown, unknown][] = [
    ['maxPixelMm', 1, (s) => s.grid.maxPixelMm, 1],
    ['motionCorrection', false, (s) => s.motion.enabled, false],
    ['motionLimitMm', 4, (s) => s.motion.limitMm, 4],
    ['motionLimitDegrees', 2, (s) => s.motion.limitDegrees, 2],
    ['maxExcludedFraction', 0.5, (s) => s.motion.maxExcludedFraction, 0.5],
    ['intervalSeconds', 0.75, (s) => s.deconvolution.intervalSeconds, 0.75],
    ['svdThresholds', [0.1, 0.2], (s) => s.deconvolution.svdThresholds, [0.1, 0.2]],
    ['oscillationLimit', 0.095, (s) => s.deconvolution.oscillationLimit, 0.095],
    ['subspace', true, (s) => s.denoise.subspace, true],
    ['minComponents', 4, (s) => s.denoise.minComponents, 4],
    ['guidedPass', false, (s) => s.denoise.guidedPass, false],
    ['guidedSigmaMm', 4, (s) => s.denoise.guidedSigmaMm, 4],
    ['guidedRangeScale', 0.7, (s) => s.denoise.guidedRangeScale, 0.7],
    ['denoiseSigmaMm', 2, (s) => s.denoise.sigmaMm, 2],
    ['denoiseRangeScale', 2, (s) => s.denoise.rangeScale, 2],
    ['estimator', 'naive', (s) => s.maps.estimator, 'naive'],
    ['correctTruncation', false, (s) => s.maps.correctTruncation, false],
    ['matchedAmplitude', false, (s) => s.maps.matchedAmplitude, false],
    ['coreWithinHypoperfusion', false, (s) => s.lesions.coreWithinHypoperfusion, false],
    ['matchArrival', false, (s) => s.maps.matchArrival, false],
    ['maxTmaxSeconds', 20, (s) => s.maps.maxTmaxSeconds, 20],
    ['arrivalSearchSeconds', 100, (s) => s.maps.arrivalSearchSeconds, 100],
    ['arrivalRefinements', 2, (s) => s.maps.arrivalRefinements, 2],
    ['inheritTmaxQuantile', 0.75, (s) => s.maps.inheritTmaxQuantile, 0.75],
    ['residueModels', true, (s) => s.maps.residueModels, true],
    ['minArrivalSnr', 3, (s) => s.maps.minArrivalSnr, 3],
    ['tmaxSmoothMm', 4, (s) => s.maps.tmaxSmoothMm, 4],
    ['tmaxSmoothRangeSeconds', 2, (s) => s.maps.tmaxSmoothRangeSeconds, 2],
    ['cbfSmoothMm', 3, (s) => s.maps.cbfSmoothMm, 3],
    ['cbfSmoothTmaxSeconds', 1.5, (s) => s.maps.cbfSmoothTmaxSeconds, 1.5],
    ['tmaxMedianMm', 5, (s) => s.maps.tmaxMedianMm, 5],
    ['minClusterMl', 0.5, (s) => s.lesions.minClusterMl, 0.5],
    ['minAffectedMl', 20, (s) => s.lesions.minAffectedMl, 20],
  ];

  it.each(routes)('passes %s = %p to its stage', (key, value, read, expected) => {
    const settings = resolvePerfusionOptions({ [key]: value } as AnalyzePerfusionOptions);
    expect(read(settings)).toEqual(expected);
    expect(read(DEFAULT_PERFUSION_OPTIONS)).not.toEqual(expected);
  });

  // signalModel is no stage setting: it says how images become concentration (CT_SIGNAL_MODEL by default)
  it('routes every public option but onProgress and signalModel', () => {
    const keys = new Set(routes.map(([key]) => key));
    const sample: Required<Omit<AnalyzePerfusionOptions, 'onProgress' | 'signalModel'>> = {
      maxPixelMm: 0,
      motionCorrection: false,
      motionLimitMm: 0,
      motionLimitDegrees: 0,
      maxExcludedFraction: 0,
      intervalSeconds: 0,
      svdThresholds: [],
      oscillationLimit: 0,
      subspace: false,
      minComponents: 0,
      guidedPass: false,
      guidedSigmaMm: 0,
      guidedRangeScale: 0,
      denoiseSigmaMm: 0,
      denoiseRangeScale: 0,
      estimator: 'naive',
      correctTruncation: false,
      matchedAmplitude: false,
      coreWithinHypoperfusion: false,
      matchArrival: false,
      maxTmaxSeconds: 0,
      arrivalSearchSeconds: 0,
      arrivalRefinements: 0,
      inheritTmaxQuantile: 0,
      residueModels: false,
      minArrivalSnr: 0,
      tmaxSmoothMm: 0,
      tmaxSmoothRangeSeconds: 0,
      cbfSmoothMm: 0,
      cbfSmoothTmaxSeconds: 0,
      tmaxMedianMm: 0,
      minClusterMl: 0,
      minAffectedMl: 0,
    };
    expect(Object.keys(sample).filter((k) => !keys.has(k as keyof AnalyzePerfusionOptions))).toEqual([]);
  });

  it("reads plain oSVD ('naive') without truncation correction and without the Tmax median, whatever else is set", () => {
    const { maps } = resolvePerfusionOptions({ estimator: 'naive', correctTruncation: true, tmaxMedianMm: 5 });
    expect(maps.correctTruncation).toBe(false);
    expect(maps.tmaxMedianMm).toBe(0);
  });

  it('keeps the three denoising behaviours of `subspace`: left out, true, and an explicit false', () => {
    expect(resolvePerfusionOptions({}).denoise).toMatchObject({ subspace: false, smoothProfiles: false });
    expect(resolvePerfusionOptions({ subspace: true }).denoise).toMatchObject({ subspace: true, smoothProfiles: false });
    expect(resolvePerfusionOptions({ subspace: false }).denoise).toMatchObject({ subspace: false, smoothProfiles: true });
  });

  it('treats an inheritance quantile of 0 as none', () => {
    expect(resolvePerfusionOptions({ inheritTmaxQuantile: 0 }).maps.inheritTmaxQuantile).toBeNull();
  });

  it('does not let a caller change the defaults', () => {
    expect(Object.isFrozen(DEFAULT_PERFUSION_OPTIONS.maps)).toBe(true);
    const settings = resolvePerfusionOptions({});
    settings.maps.minArrivalSnr = 1;
    expect(DEFAULT_PERFUSION_OPTIONS.maps.minArrivalSnr).toBe(5);
  });
});
