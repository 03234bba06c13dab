export * from './ellipsoid';
export * from './synthetic-radiograph';
export * from './synthetic-head-ct';
export * from './synthetic-brain-mr';
