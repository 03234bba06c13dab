import { DicomElements, lookupKeyword, TransferSyntaxUIDs, writeDataset } from '@nidus/dicom';
import { InvalidCommandError } from './dicom-net.errors';

/** PS3.7 E.1 Command Field values. */
export const CommandField = {
  CStoreRq: 0x0001,
  CStoreRsp: 0x8001,
  CGetRq: 0x0010,
  CFindRq: 0x0020,
  CMoveRq: 0x0021,
  CEchoRq: 0x0030,
  CEchoRsp: 0x8030,
  NEventReportRq: 0x0100,
  NGetRq: 0x0110,
  NSetRq: 0x0120,
  NActionRq: 0x0130,
  NCreateRq: 0x0140,
  NDeleteRq: 0x0150,
  CCancelRq: 0x0fff,
} as const;

/** PS3.7 E.1: CommandDataSetType 0x0101 means no data set follows; any other value means one does. */
export const NO_DATA_SET = 0x0101;

/** Priority (0000,0700): PS3.7 E.1 */
export const Priority = { Medium: 0x0000, High: 0x0001, Low: 0x0002 } as const;

/** Verification SOP Class (PS3.4 A.4). */
export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

/** The command set attributes Nidus sends or reads (PS3.7 E.1), by keyword. */
export interface DimseCommand {
  CommandField: number;
  CommandDataSetType: number;
  MessageID?: number;
  MessageIDBeingRespondedTo?: number;
  AffectedSOPClassUID?: string;
  AffectedSOPInstanceUID?: string;
  Priority?: number;
  Status?: number;
  ErrorComment?: string;
  OffendingElement?: number[];
  MoveOriginatorApplicationEntityTitle?: string;
  MoveOriginatorMessageID?: number;
}

type Kind = 'US' | 'UI' | 'AE' | 'LO' | 'AT';
const FIELDS: [keyof DimseCommand, Kind][] = [
  ['AffectedSOPClassUID', 'UI'],
  ['CommandField', 'US'],
  ['MessageID', 'US'],
  ['MessageIDBeingRespondedTo', 'US'],
  ['Priority', 'US'],
  ['CommandDataSetType', 'US'],
  ['Status', 'US'],
  ['OffendingElement', 'AT'],
  ['ErrorComment', 'LO'],
  ['AffectedSOPInstanceUID', 'UI'],
  ['MoveOriginatorApplicationEntityTitle', 'AE'],
  ['MoveOriginatorMessageID', 'US'],
];
const TAGS = new Map(FIELDS.map(([keyword, kind]) => [lookupKeyword(keyword).tag, { keyword, kind }]));

/** Encodes a command set in Implicit VR Little Endian with its group length first (PS3.7 6.3.1). */
export function encodeCommand(command: DimseCommand): Buffer {
  const elements: DicomElements = {};
  for (const [keyword] of FIELDS) {
    const value = command[keyword];
    if (value === undefined) continue;
    // ErrorComment is LO: at most 64 characters (PS3.7 C.4)
    elements[keyword] =
      keyword === 'ErrorComment'
        ? String(value)
            .replace(/[\\\r\n]/g, ' ')
            .slice(0, 64)
        : (value as string | number | number[]);
  }
  const body = writeDataset(elements, TransferSyntaxUIDs.ImplicitVRLittleEndian);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt32LE(0x00000000, 0); // (0000,0000) CommandGroupLength
  groupLength.writeUInt32LE(4, 4);
  groupLength.writeUInt32LE(body.length, 8);
  return Buffer.concat([groupLength, body]);
}

/** Decodes a command set (Implicit VR Little Endian, group 0000). Unknown command elements are skipped. */
export function decodeCommand(bytes: Buffer): DimseCommand {
  const out: Partial<Record<keyof DimseCommand, unknown>> = {};
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) throw new InvalidCommandError(`command set: element header at ${offset} runs past the end`);
    const tag = ((bytes.readUInt16LE(offset) << 16) | bytes.readUInt16LE(offset + 2)) >>> 0;
    const length = bytes.readUInt32LE(offset + 4);
    const start = offset + 8;
    if (length === 0xffffffff || start + length > bytes.length)
      throw new InvalidCommandError(`command set: element ${tag.toString(16)} of length ${length} runs past the end`);
    if (tag >>> 16 !== 0x0000) throw new InvalidCommandError(`command set holds element (${(tag >>> 16).toString(16)},...) outside group 0000`);
    const field = TAGS.get(tag);
    const value = bytes.subarray(start, start + length);
    if (field) {
      switch (field.kind) {
        case 'US':
          if (length < 2) throw new InvalidCommandError(`${field.keyword} is ${length} bytes`);
          out[field.keyword] = value.readUInt16LE(0);
          break;
        case 'AT': {
          const tags: number[] = [];
          for (let i = 0; i + 4 <= length; i += 4) tags.push(((value.readUInt16LE(i) << 16) | value.readUInt16LE(i + 2)) >>> 0);
          out[field.keyword] = tags;
          break;
        }
        default:
          out[field.keyword] = value
            .toString('latin1')
            .replace(/[\0 ]+$/, '')
            .trim();
      }
    }
    offset = start + length;
  }
  if (out.CommandField === undefined) throw new InvalidCommandError('command set has no CommandField (0000,0100)');
  if (out.CommandDataSetType === undefined) throw new InvalidCommandError('command set has no CommandDataSetType (0000,0800)');
  return out as unknown as DimseCommand;
}

export function hasDataSet(command: DimseCommand): boolean {
  return command.CommandDataSetType !== NO_DATA_SET;
}
