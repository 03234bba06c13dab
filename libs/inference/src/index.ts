export * from './inference.errors';
export * from './model-manifest';
export * from './model-registry';
export * from './onnx-session.repository';
export * from './onnx-deconvolver';
export * from './inference-engine';
