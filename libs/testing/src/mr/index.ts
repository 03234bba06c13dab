export * from './mr-stroke-phantom';
export * from './mr-dicom-writer';
export * from './private-elements';
export * from './enhanced-mr-writer';
