export * from './series-summary';
export * from './routing';
export * from './series-completion';
export * from './study-assembly';
export * from './series-arrival';
export * from './single-image';
export * from './study-completion';
