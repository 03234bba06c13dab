export * from './alert-harness';
