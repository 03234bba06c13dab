import { PduProtocolError } from './dicom-net.errors';
import { encodePDataHeader, encodeReleaseRq } from './pdu.codec';
import { PduEvent, PduReader } from './pdu.reader';

function pdata(pcid: number, command: boolean, last: boolean, data: Buffer): Buffer {
  return Buffer.concat([encodePDataHeader(pcid, command, last, data.length), data]);
}

/** feeds `stream` in chunks of `size` bytes and collects what the reader hands out */
function readAll(stream: Buffer, size: number, maxPDataLength = 0): { pdvs: Map<string, Buffer[]>; events: PduEvent[] } {
  const reader = new PduReader({ maxPDataLength });
  const events: PduEvent[] = [];
  const pdvs = new Map<string, Buffer[]>();
  for (let offset = 0; offset < stream.length; offset += size) {
    reader.push(stream.subarray(offset, offset + size));
    for (let e = reader.next(); e; e = reader.next()) {
      events.push(e);
      if (e.kind === 'pdv') {
        const key = `${e.presentationContextId}:${e.command}`;
        pdvs.set(key, [...(pdvs.get(key) ?? []), e.data]);
      }
    }
  }
  return { pdvs, events };
}

describe(PduReader.name, () => {
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const stream = Buffer.concat([
    pdata(1, true, true, Buffer.from('command')),
    pdata(1, false, false, data.subarray(0, 3000)),
    pdata(1, false, true, data.subarray(3000)),
    encodeReleaseRq(),
  ]);

  it.each([1, 5, 7, 4096, 100000])('yields the same bytes whatever the chunking (%i-byte chunks)', (size) => {
    const { pdvs, events } = readAll(stream, size);
    expect(Buffer.concat(pdvs.get('1:true')!).toString()).toBe('command');
    expect(Buffer.concat(pdvs.get('1:false')!).equals(data)).toBe(true);
    const ends = events.filter((e) => e.kind === 'pdv' && e.pdvEnd && e.last && !e.command);
    expect(ends).toHaveLength(1);
    expect(events[events.length - 1]).toMatchObject({ kind: 'pdu', type: 0x05 });
  });

  it('hands out views on the received chunks, not copies', () => {
    const reader = new PduReader({ maxPDataLength: 0 });
    const chunk = pdata(3, false, true, data);
    reader.push(chunk);
    const e = reader.next()!;
    expect(e.kind).toBe('pdv');
    expect((e as { data: Buffer }).data.buffer).toBe(chunk.buffer);
  });

  it('refuses a P-DATA-TF longer than our maximum PDU length, and unknown PDU types', () => {
    expect(() => readAll(pdata(1, false, true, data), 100000, 4096)).toThrow(PduProtocolError);
    expect(() => readAll(Buffer.from([0x09, 0, 0, 0, 0, 0]), 10)).toThrow(/unrecognized PDU type/);
  });

  it('refuses a PDV whose length does not fit its PDU', () => {
    const bad = pdata(1, false, true, data);
    bad.writeUInt32BE(9999, 6);
    expect(() => readAll(bad, 100000)).toThrow(/does not fit/);
  });
});
