// The DICOM data dictionary (PS3.6), keyed by keyword. Data from dcmjs's copy of PS3.6.
import * as dcmjs from 'dcmjs';
import { UnknownKeywordError } from './dicom.errors';

export interface DictionaryEntry {
  keyword: string;
  /** group << 16 | element */
  tag: number;
  vr: string;
  vm: string;
}

interface DcmjsEntry {
  tag: string;
  vr: string;
  vm: string;
  name: string;
}

const byKeyword = new Map<string, DictionaryEntry>();
const byTag = new Map<number, DictionaryEntry>();

function load(): void {
  if (byKeyword.size) return;
  const nameMap = (dcmjs as any).data.DicomMetaDictionary.nameMap as Record<string, DcmjsEntry>;
  for (const [keyword, e] of Object.entries(nameMap)) {
    const m = /^\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)$/.exec(e.tag);
    if (!m) continue; // ranges such as (60xx,3000) are not addressable by keyword here
    const entry: DictionaryEntry = { keyword, tag: ((parseInt(m[1], 16) << 16) >>> 0) + parseInt(m[2], 16), vr: e.vr, vm: e.vm };
    byKeyword.set(keyword, entry);
    byTag.set(entry.tag, entry);
  }
}

export function lookupKeyword(keyword: string): DictionaryEntry {
  load();
  const entry = byKeyword.get(keyword);
  if (!entry) throw new UnknownKeywordError(keyword);
  return entry;
}

export function lookupTag(tag: number): DictionaryEntry | undefined {
  load();
  return byTag.get(tag >>> 0);
}

/** dicom-parser's element key, for example x0020000d. */
export function parserKey(tag: number): string {
  return 'x' + (tag >>> 0).toString(16).padStart(8, '0');
}

export function formatTag(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
