// A tiny ONNX model writer: one node (Conv, ConvTranspose or Resize), its
// weights as initializers, float32 tensors only. It hand-encodes the few
// protobuf messages involved (ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto), so the benchmark needs no protobuf package.
// Field numbers are from onnx/onnx.proto (IR version 8).
//
// Works in Node and in the browser (no imports).

// ---------------------------------------------------------------- protobuf wire format

const VARINT = 0;
const FIXED32 = 5;
const BYTES = 2;

/** Unsigned or non-negative varint (numbers up to 2^53 are exact). */
function varint(value) {
  const out = [];
  let v = value;
  if (v < 0) throw new Error(`onnx: negative varint ${value}`);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** int64 varint: negative values are encoded as 10-byte two's complement. */
function int64(value) {
  if (value >= 0) return varint(value);
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const key = (field, wire) => varint((field << 3) | wire);
const utf8 = (s) => new TextEncoder().encode(s);

/** A message is built as an array of byte chunks and flattened once. */
class Message {
  chunks = [];
  int(field, value) {
    this.chunks.push(key(field, VARINT), int64(value));
    return this;
  }
  float(field, value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.chunks.push(key(field, FIXED32), b);
    return this;
  }
  bytes(field, data) {
    this.chunks.push(key(field, BYTES), varint(data.length), data);
    return this;
  }
  string(field, s) {
    return this.bytes(field, utf8(s));
  }
  message(field, m) {
    return this.bytes(field, m.finish());
  }
  /** A packed repeated int64 field. */
  packedInts(field, values) {
    return this.bytes(field, Uint8Array.from(values.flatMap(int64)));
  }
  finish() {
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------- ONNX messages

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 }; // AttributeProto.AttributeType

/**
 * AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20. A string, an int array, an integer
 * (INT), another number (FLOAT), or { float: x } for a FLOAT whose value is an integer (e.g. -1).
 */
function attribute(name, value) {
  const a = new Message().string(1, name);
  if (typeof value === 'string') return a.bytes(4, utf8(value)).int(20, ATTR.STRING);
  if (Array.isArray(value)) return a.packedInts(8, value).int(20, ATTR.INTS);
  if (typeof value === 'object') return a.float(2, value.float).int(20, ATTR.FLOAT);
  if (Number.isInteger(value)) return a.int(3, value).int(20, ATTR.INT);
  return a.float(2, value).int(20, ATTR.FLOAT);
}

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (float32 bytes; little-endian on every host here). */
function tensor(name, dims, data) {
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
  const raw = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
  return new Message().packedInts(1, dims).int(2, FLOAT).string(8, name).bytes(9, raw);
}

/** ValueInfoProto { name 1, type 2: TypeProto { tensor_type 1: { elem_type 1, shape 2: { dim 1: { dim_value 1 } } } } }. */
function valueInfo(name, dims) {
  const shape = new Message();
  for (const d of dims) shape.message(1, new Message().int(1, d));
  const tensorType = new Message().int(1, FLOAT).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

/**
 * The bytes of an ONNX model with one node.
 * @param {object} spec
 * @param {string} spec.opType e.g. 'ConvTranspose'
 * @param {{name: string, dims: number[]}} spec.input  the graph input
 * @param {{name: string, dims: number[]}} spec.output the graph output
 * @param {string[]} spec.nodeInputs the node's inputs in order ('' for an absent optional input)
 * @param {{name: string, dims: number[], data: Float32Array | number[]}[]} [spec.initializers]
 * @param {Record<string, number | number[] | string | {float: number}>} [spec.attributes]
 * @param {number} [spec.opset] default 17
 */
export function singleNodeModel({ opType, input, output, nodeInputs, initializers = [], attributes = {}, opset = 17 }) {
  const node = new Message();
  for (const name of nodeInputs) node.string(1, name);
  node.string(2, output.name).string(3, `${opType.toLowerCase()}0`).string(4, opType);
  for (const [name, value] of Object.entries(attributes)) node.message(5, attribute(name, value));

  // GraphProto: node 1, name 2, initializer 5, input 11, output 12.
  const graph = new Message().message(1, node).string(2, 'bench');
  for (const t of initializers) graph.message(5, tensor(t.name, t.dims, t.data));
  graph.message(11, valueInfo(input.name, input.dims));
  graph.message(12, valueInfo(output.name, output.dims));

  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 ({ domain 1, version 2 }).
  return new Message()
    .int(1, 8)
    .string(2, 'tconv-bench')
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, opset))
    .finish();
}
