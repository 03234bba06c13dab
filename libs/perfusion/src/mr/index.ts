export * from './intracranial-mask';
export * from './dsc-signal-model';
