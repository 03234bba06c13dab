export * from './alerts.module';
export * from './alerts-module.options';
