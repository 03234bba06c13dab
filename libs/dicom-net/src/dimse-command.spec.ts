import { CommandField, decodeCommand, encodeCommand, NO_DATA_SET } from './dimse-command';

describe('DIMSE command set', () => {
  it('encodes in Implicit VR Little Endian with a correct group length, and decodes back (PS3.7 E.1)', () => {
    const command = {
      CommandField: CommandField.CStoreRsp,
      MessageIDBeingRespondedTo: 7,
      CommandDataSetType: NO_DATA_SET,
      Status: 0xa900,
      AffectedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      AffectedSOPInstanceUID: '1.2.3.4.5',
      ErrorComment: 'missing StudyInstanceUID',
      OffendingElement: [0x0020000d],
    };
    const bytes = encodeCommand(command);
    // (0000,0000) UL, length 4, value = bytes after it
    expect(bytes.readUInt32LE(0)).toBe(0);
    expect(bytes.readUInt32LE(4)).toBe(4);
    expect(bytes.readUInt32LE(8)).toBe(bytes.length - 12);
    // UIDs pad with NUL to even length (PS3.5 6.2)
    const uid = bytes.indexOf('1.2.3.4.5');
    expect(bytes[uid + 9]).toBe(0);
    expect(decodeCommand(bytes)).toEqual(command);
  });

  it('cuts an ErrorComment to the 64 characters of LO', () => {
    const bytes = encodeCommand({ CommandField: 0x8001, CommandDataSetType: NO_DATA_SET, Status: 0xc000, ErrorComment: 'x'.repeat(200) });
    expect(decodeCommand(bytes).ErrorComment).toHaveLength(64);
  });

  it('refuses a command set without CommandField', () => {
    expect(() => decodeCommand(encodeCommand({ CommandDataSetType: NO_DATA_SET } as never))).toThrow(/CommandField/);
  });
});
