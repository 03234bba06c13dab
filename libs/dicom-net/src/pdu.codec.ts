import { PduProtocolError } from './dicom-net.errors';
import {
  Abort,
  AbortReason,
  AcceptedPresentationContext,
  AssociateAc,
  AssociateRj,
  AssociateRq,
  PduType,
  PresentationContextResult,
  ProposedPresentationContext,
  RoleSelection,
  UserInformation,
} from './pdu.types';

// Encoding and decoding of the upper-layer PDUs (PS3.8 9.3). All multi-byte fields are big endian.
// P-DATA-TF is not decoded here: PduReader streams its PDVs.

/** PDU header: type, reserved, 32-bit length of the rest (PS3.8 9.3.1). */
export const PDU_HEADER_LENGTH = 6;
/** PDV item header inside P-DATA-TF: 32-bit length, presentation context ID, message control header (PS3.8 9.3.5.1). */
export const PDV_HEADER_LENGTH = 6;

const ItemType = {
  ApplicationContext: 0x10,
  PresentationContextRq: 0x20,
  PresentationContextAc: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
  MaximumLength: 0x51,
  ImplementationClassUID: 0x52,
  AsynchronousOperationsWindow: 0x53,
  RoleSelection: 0x54,
  ImplementationVersionName: 0x55,
  UserIdentityRq: 0x58,
} as const;

// ---------- encoding ----------

function item(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header[0] = type;
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function textItem(type: number, text: string): Buffer {
  return item(type, Buffer.from(text, 'latin1'));
}

function pdu(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(PDU_HEADER_LENGTH);
  header[0] = type;
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

/** AE titles travel as 16 bytes, space padded (PS3.8 9.3.2). */
function aeField(title: string): Buffer {
  if (title.length > 16) throw new RangeError(`AE title '${title}' is longer than 16 characters`);
  return Buffer.from(title.padEnd(16, ' '), 'latin1');
}

function encodeUserInformation(info: UserInformation): Buffer {
  const parts: Buffer[] = [];
  const max = Buffer.alloc(4);
  max.writeUInt32BE(info.maxPduLength >>> 0, 0);
  parts.push(item(ItemType.MaximumLength, max));
  if (info.implementationClassUID) parts.push(textItem(ItemType.ImplementationClassUID, info.implementationClassUID));
  if (info.asyncOperations) {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(info.asyncOperations.invoked, 0);
    b.writeUInt16BE(info.asyncOperations.performed, 2);
    parts.push(item(ItemType.AsynchronousOperationsWindow, b));
  }
  for (const role of info.roleSelections ?? []) {
    const uid = Buffer.from(role.sopClassUID, 'latin1');
    const b = Buffer.alloc(2 + uid.length + 2);
    b.writeUInt16BE(uid.length, 0);
    uid.copy(b, 2);
    b[2 + uid.length] = role.scuRole ? 1 : 0;
    b[3 + uid.length] = role.scpRole ? 1 : 0;
    parts.push(item(ItemType.RoleSelection, b));
  }
  if (info.implementationVersionName) parts.push(textItem(ItemType.ImplementationVersionName, info.implementationVersionName));
  return item(ItemType.UserInformation, Buffer.concat(parts));
}

function associateHeader(protocolVersion: number, called: string, calling: string): Buffer {
  const b = Buffer.alloc(68);
  b.writeUInt16BE(protocolVersion, 0);
  aeField(called).copy(b, 4);
  aeField(calling).copy(b, 20);
  return b;
}

/** A-ASSOCIATE-RQ and -AC share their layout (PS3.8 9.3.2, 9.3.3): header, application context, contexts, user info. */
function associatePdu(type: PduType, a: AssociateRq | AssociateAc, contexts: Buffer[]): Buffer {
  return pdu(
    type,
    Buffer.concat([
      associateHeader(a.protocolVersion, a.calledAETitle, a.callingAETitle),
      textItem(ItemType.ApplicationContext, a.applicationContext),
      ...contexts,
      encodeUserInformation(a.userInformation),
    ]),
  );
}

export function encodeAssociateRq(rq: AssociateRq): Buffer {
  const contexts = rq.presentationContexts.map((pc) =>
    item(
      ItemType.PresentationContextRq,
      Buffer.concat([
        Buffer.from([pc.id, 0, 0, 0]),
        textItem(ItemType.AbstractSyntax, pc.abstractSyntax),
        ...pc.transferSyntaxes.map((ts) => textItem(ItemType.TransferSyntax, ts)),
      ]),
    ),
  );
  return associatePdu(PduType.AssociateRq, rq, contexts);
}

export function encodeAssociateAc(ac: AssociateAc): Buffer {
  const contexts = ac.presentationContexts.map((pc) =>
    item(ItemType.PresentationContextAc, Buffer.concat([Buffer.from([pc.id, 0, pc.result, 0]), textItem(ItemType.TransferSyntax, pc.transferSyntax)])),
  );
  return associatePdu(PduType.AssociateAc, ac, contexts);
}

export function encodeAssociateRj(rj: AssociateRj): Buffer {
  return pdu(PduType.AssociateRj, Buffer.from([0, rj.result, rj.source, rj.reason]));
}

export function encodeReleaseRq(): Buffer {
  return pdu(PduType.ReleaseRq, Buffer.alloc(4));
}

export function encodeReleaseRp(): Buffer {
  return pdu(PduType.ReleaseRp, Buffer.alloc(4));
}

export function encodeAbort(abort: Abort): Buffer {
  return pdu(PduType.Abort, Buffer.from([0, 0, abort.source, abort.reason]));
}

/**
 * The headers of a P-DATA-TF PDU carrying one PDV of `dataLength` bytes (PS3.8 9.3.5):
 * the caller writes this, then the data, with no copy of the data.
 */
export function encodePDataHeader(presentationContextId: number, command: boolean, last: boolean, dataLength: number): Buffer {
  const b = Buffer.alloc(PDU_HEADER_LENGTH + PDV_HEADER_LENGTH);
  b[0] = PduType.PDataTf;
  b.writeUInt32BE(PDV_HEADER_LENGTH + dataLength, 2);
  b.writeUInt32BE(2 + dataLength, 6);
  b[10] = presentationContextId;
  b[11] = (command ? 0x01 : 0) | (last ? 0x02 : 0); // PS3.8 E.2 message control header
  return b;
}

// ---------- decoding ----------

function invalid(message: string): PduProtocolError {
  return new PduProtocolError(message, AbortReason.InvalidPduParameterValue);
}

function trimText(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^[\0 ]+/, '');
}

interface RawItem {
  type: number;
  body: Buffer;
}

function readItems(bytes: Buffer, what: string): RawItem[] {
  const items: RawItem[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw invalid(`${what}: item header runs past the end`);
    const type = bytes[offset];
    const length = bytes.readUInt16BE(offset + 2);
    if (offset + 4 + length > bytes.length) throw invalid(`${what}: item 0x${type.toString(16)} of ${length} bytes runs past the end`);
    items.push({ type, body: bytes.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
  return items;
}

function decodeUserInformation(body: Buffer): UserInformation {
  const info: UserInformation = { maxPduLength: 0 };
  for (const sub of readItems(body, 'user information')) {
    switch (sub.type) {
      case ItemType.MaximumLength:
        if (sub.body.length !== 4) throw invalid('maximum length sub-item is not 4 bytes');
        info.maxPduLength = sub.body.readUInt32BE(0);
        break;
      case ItemType.ImplementationClassUID:
        info.implementationClassUID = trimText(sub.body);
        break;
      case ItemType.ImplementationVersionName:
        info.implementationVersionName = trimText(sub.body);
        break;
      case ItemType.AsynchronousOperationsWindow:
        if (sub.body.length >= 4) info.asyncOperations = { invoked: sub.body.readUInt16BE(0), performed: sub.body.readUInt16BE(2) };
        break;
      case ItemType.RoleSelection: {
        if (sub.body.length < 4) throw invalid('role selection sub-item too short');
        const n = sub.body.readUInt16BE(0);
        if (2 + n + 2 > sub.body.length) throw invalid('role selection UID runs past the end');
        const role: RoleSelection = { sopClassUID: trimText(sub.body.subarray(2, 2 + n)), scuRole: sub.body[2 + n] === 1, scpRole: sub.body[3 + n] === 1 };
        (info.roleSelections ??= []).push(role);
        break;
      }
      case ItemType.UserIdentityRq:
        // PS3.7 D.3.3.7: accepted and ignored; we never ask for a positive response.
        if (sub.body.length >= 1) info.userIdentityType = sub.body[0];
        break;
      default:
        // extended negotiation and unknown sub-items: ignored (PS3.7 D.3.3.5: not answering means not supported)
        break;
    }
  }
  return info;
}

interface AssociateCommon {
  protocolVersion: number;
  calledAETitle: string;
  callingAETitle: string;
  applicationContext: string;
  items: RawItem[];
  userInformation: UserInformation;
}

function decodeAssociateCommon(body: Buffer, what: string): AssociateCommon {
  if (body.length < 68) throw invalid(`${what} of ${body.length} bytes is shorter than its fixed fields`);
  const items = readItems(body.subarray(68), what);
  const context = items.find((i) => i.type === ItemType.ApplicationContext);
  const user = items.find((i) => i.type === ItemType.UserInformation);
  if (!context) throw invalid(`${what} has no application context item`);
  if (!user) throw invalid(`${what} has no user information item`);
  return {
    protocolVersion: body.readUInt16BE(0),
    calledAETitle: trimText(body.subarray(4, 20)),
    callingAETitle: trimText(body.subarray(20, 36)),
    applicationContext: trimText(context.body),
    items,
    userInformation: decodeUserInformation(user.body),
  };
}

/** Decodes the body (after the 6-byte header) of an A-ASSOCIATE-RQ. */
export function decodeAssociateRq(body: Buffer): AssociateRq {
  const c = decodeAssociateCommon(body, 'A-ASSOCIATE-RQ');
  const presentationContexts: ProposedPresentationContext[] = [];
  for (const pc of c.items.filter((i) => i.type === ItemType.PresentationContextRq)) {
    if (pc.body.length < 4) throw invalid('presentation context item too short');
    const subs = readItems(pc.body.subarray(4), 'presentation context');
    const abstract = subs.filter((s) => s.type === ItemType.AbstractSyntax);
    if (abstract.length !== 1) throw invalid(`presentation context ${pc.body[0]} has ${abstract.length} abstract syntaxes`);
    const transferSyntaxes = subs.filter((s) => s.type === ItemType.TransferSyntax).map((s) => trimText(s.body));
    presentationContexts.push({ id: pc.body[0], abstractSyntax: trimText(abstract[0].body), transferSyntaxes });
  }
  return {
    protocolVersion: c.protocolVersion,
    calledAETitle: c.calledAETitle,
    callingAETitle: c.callingAETitle,
    applicationContext: c.applicationContext,
    presentationContexts,
    userInformation: c.userInformation,
  };
}

/** Decodes the body of an A-ASSOCIATE-AC. */
export function decodeAssociateAc(body: Buffer): AssociateAc {
  const c = decodeAssociateCommon(body, 'A-ASSOCIATE-AC');
  const presentationContexts: AcceptedPresentationContext[] = [];
  for (const pc of c.items.filter((i) => i.type === ItemType.PresentationContextAc)) {
    if (pc.body.length < 4) throw invalid('presentation context item too short');
    const ts = readItems(pc.body.subarray(4), 'presentation context').find((s) => s.type === ItemType.TransferSyntax);
    presentationContexts.push({ id: pc.body[0], result: pc.body[2] as PresentationContextResult, transferSyntax: ts ? trimText(ts.body) : '' });
  }
  return {
    protocolVersion: c.protocolVersion,
    calledAETitle: c.calledAETitle,
    callingAETitle: c.callingAETitle,
    applicationContext: c.applicationContext,
    presentationContexts,
    userInformation: c.userInformation,
  };
}

export function decodeAssociateRj(body: Buffer): AssociateRj {
  if (body.length < 4) throw invalid('A-ASSOCIATE-RJ shorter than 4 bytes');
  return { result: body[1], source: body[2], reason: body[3] };
}

export function decodeAbort(body: Buffer): Abort {
  if (body.length < 4) throw invalid('A-ABORT shorter than 4 bytes');
  return { source: body[2], reason: body[3] };
}
