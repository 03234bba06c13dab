/** A tensor as plain typed arrays: what onnxruntime returns, or what a test makes. */
export interface TensorValue {
  type: string;
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array;
  dims: readonly number[];
}
