import { OnnxFormatError } from './inference.errors';

/** An input or output of an ONNX graph: name, element type and shape (numbers fixed, names dynamic). */
export interface OnnxValueInfo {
  name: string;
  type?: string;
  shape?: (number | string)[];
}

export interface OnnxSignature {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

// TensorProto.DataType (onnx.proto)
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
};

/** One field of a protobuf message: its number and, for varints, the value or, for length-delimited, the bytes. */
interface Field {
  number: number;
  value?: number;
  bytes?: Uint8Array;
}

function* fields(buffer: Uint8Array): Generator<Field> {
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (i >= buffer.length) throw new OnnxFormatError('truncated varint');
      const byte = buffer[i++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  };
  while (i < buffer.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        yield { number, value: varint() };
        break;
      case 1:
        i += 8;
        yield { number };
        break;
      case 2: {
        const length = varint();
        if (i + length > buffer.length) throw new OnnxFormatError('truncated field');
        yield { number, bytes: buffer.subarray(i, i + length) };
        i += length;
        break;
      }
      case 5:
        i += 4;
        yield { number };
        break;
      default:
        throw new OnnxFormatError(`wire type ${key & 7} is not used by ONNX`);
    }
  }
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function valueInfo(bytes: Uint8Array): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '' };
  for (const f of fields(bytes)) {
    if (f.number === 1 && f.bytes) info.name = text(f.bytes);
    if (f.number !== 2 || !f.bytes) continue;
    for (const t of fields(f.bytes)) {
      if (t.number !== 1 || !t.bytes) continue; // tensor_type
      for (const tensor of fields(t.bytes)) {
        if (tensor.number === 1 && tensor.value !== undefined) info.type = ELEMENT_TYPES[tensor.value] ?? `type ${tensor.value}`;
        if (tensor.number === 2 && tensor.bytes) {
          info.shape = [];
          for (const d of fields(tensor.bytes)) {
            if (d.number !== 1 || !d.bytes) continue;
            let dim: number | string = '?';
            for (const v of fields(d.bytes)) {
              if (v.number === 1 && v.value !== undefined) dim = v.value;
              if (v.number === 2 && v.bytes) dim = text(v.bytes);
            }
            info.shape.push(dim);
          }
        }
      }
    }
  }
  return info;
}

/**
 * The graph inputs and outputs of an ONNX model (ModelProto.graph, onnx.proto), read from its bytes without
 * onnxruntime: what a manifest's tensors must name. Initializers listed as inputs (IR < 4) are left out.
 */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  let graph: Uint8Array | undefined;
  for (const f of fields(bytes)) if (f.number === 7 && f.bytes) graph = f.bytes;
  if (!graph) throw new OnnxFormatError('no graph in the ONNX model');
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializers = new Set<string>();
  for (const f of fields(graph)) {
    if (!f.bytes) continue;
    if (f.number === 11) inputs.push(valueInfo(f.bytes));
    else if (f.number === 12) outputs.push(valueInfo(f.bytes));
    else if (f.number === 5) for (const t of fields(f.bytes)) if (t.number === 8 && t.bytes) initializers.add(text(t.bytes));
  }
  return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}
