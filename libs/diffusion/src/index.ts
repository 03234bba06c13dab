export * from './diffusion.errors';
export * from './adc-map';
export * from './diffusion-brain-mask';
export * from './diffusion-core';
