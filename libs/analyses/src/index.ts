export * from './installed-analyses';
