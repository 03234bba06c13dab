import { TextDecoder } from 'node:util';

const decoders = new Map<string, TextDecoder>();

/** One WHATWG decoder per label (utf-8, gb18030, euc-jp, ...), made on first use: Node's full ICU provides them. */
export function textDecoder(label: string): TextDecoder {
  let d = decoders.get(label);
  if (!d) {
    d = new TextDecoder(label);
    decoders.set(label, d);
  }
  return d;
}
