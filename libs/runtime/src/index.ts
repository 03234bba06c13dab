export * from './app-context';
export * from './nidus-core.module';
export * from './shutdown';
export * from './nest-pino.logger';
export * from './services';
export * from './start-failure';
export * from './security';
export * from './key-file';
