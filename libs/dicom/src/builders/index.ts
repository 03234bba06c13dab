export * from './coded-concept';
export * from './source-header';
export * from './source-slices';
export * from './result-object';
export * from './bit-packing';
export * from './cielab';
export * from './segmentation.builder';
// Test helpers (dciodvfy/dcmdump/dsrdump/pydicom runners, synthetic CT series): exported for other libs' specs.
export * from './dicom-tools.fixture';
export * from './synthetic-source.fixture';
export * from './sr-content';
export * from './measurement-report.builder';
export * from './secondary-capture.builder';
