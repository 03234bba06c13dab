export * from './storage.errors';
export * from './instance-path';
export * from './temp-instance-file';
export * from './instance-file-store';
