export * from './build-ctp-results';
export * from './ctp-summary.renderer';
export * from './ctp-summary-text';
export * from './ctp-colour-maps';
