export * from './seeded-random';
export * from './tracer-curves';
export * from './sampling-times';
export * from './phantom-truth';
export * from './head-phantom';
export * from './phantom-dicom-writer';
export * from './grid-phantom';
