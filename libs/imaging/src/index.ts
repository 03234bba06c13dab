export * from './volume4d';
export * from './imaging.errors';
export * from './decoded-frame';
export * from './pixel-module';
export * from './decode';
export type { FrameDecoder } from './decoders/frame-decoder';
