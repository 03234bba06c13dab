/**
 * Small builders of ONNX protobuf messages (onnx-proto) for the graphs Nidus generates: the perfusion
 * deconvolution and the demonstration models. Deterministic: the same calls give the same bytes.
 */
import { onnx } from 'onnx-proto';

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

export function int64Tensor(name: string, values: number[], dims: number[] = [values.length]): onnx.ITensorProto {
  return { name, dataType: INT64, dims, int64Data: values };
}

export function floatTensor(name: string, values: ArrayLike<number>, dims: number[] = [values.length]): onnx.ITensorProto {
  return { name, dataType: FLOAT, dims, floatData: Array.from(values) };
}

export function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function node(opType: string, inputs: string[], outputs: string[], attributes: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name: outputs[0], attribute: attributes };
}

export function intAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function intsAttribute(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

export function floatAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

export function graphAttribute(name: string, graph: onnx.IGraphProto): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.GRAPH, g: graph };
}

export interface ModelOptions {
  producerVersion: string;
  docString: string;
  opset?: number;
}

/** A serialised ModelProto (IR 7, the default opset 13) around a graph. */
export function encodeModel(graph: onnx.IGraphProto, options: ModelOptions): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 7,
    producerName: 'nidus',
    producerVersion: options.producerVersion,
    domain: 'org.nidus',
    modelVersion: 1,
    docString: options.docString,
    opsetImport: [{ domain: '', version: options.opset ?? 13 }],
    graph,
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export function stringAttribute(name: string, value: string): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) };
}
