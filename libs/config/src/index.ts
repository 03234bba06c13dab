export * from './config.errors';
export * from './database-url';
export * from './env.schema';
export * from './file-config.schema';
export * from './nidus-config';
export * from './sections/delivery.schema';
export * from './sections/dicom.schema';
export * from './sections/routing.schema';
