export * from './alerts';
export * from './targets';
export * from './retry-policy';
export * from './operations/operations-notifier';
export * from './deliveries/resend-deliveries';
