export * from './alerts';
export * from './targets';
export * from './retry-policy';
