import { lookupKeyword } from '@nidus/dicom';
import type { DicomJson } from '@nidus/dicom-net';

/** A QIDO-RS query level (PS3.18 10.6.1). */
export type QueryLevel = 'study' | 'series' | 'instance';

/** What `includefield` asks for (PS3.18 8.3.4.3): every available attribute of the level, or these tags. */
export type IncludeFields = { all: true } | { all: false; tags: Set<string> };

/** `includefield` named something that is neither `all`, a tag (8 hex digits) nor a keyword: 400. */
export class InvalidIncludeFieldError extends Error {
  override name = 'InvalidIncludeFieldError';
  readonly httpStatus = 400;
}

/**
 * Reads `includefield` (repeatable, comma-separated values): `all`, tags (`00081030`) or keywords
 * (`StudyDescription`). Undefined when the query has none.
 */
export function parseIncludeFields(value: string | string[] | undefined): IncludeFields | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (!items.length) return undefined;
  if (items.some((v) => v.toLowerCase() === 'all')) return { all: true };
  const tags = new Set<string>();
  for (const item of items) {
    if (/^[0-9A-Fa-f]{8}$/.test(item)) tags.add(item.toUpperCase());
    else {
      try {
        tags.add((lookupKeyword(item).tag >>> 0).toString(16).toUpperCase().padStart(8, '0'));
      } catch {
        throw new InvalidIncludeFieldError(`includefield '${item.slice(0, 64)}' is neither 'all', a tag nor a keyword`);
      }
    }
  }
  return { all: false, tags };
}

// The attributes of the study and series levels (PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.2.2 Patient Study,
// C.7.3.1 General Series, C.7.4.1 Frame of Reference, C.7.5.1 General Equipment): what `all` returns there.
const STUDY_LEVEL = /^(0010....|00080020|00080030|00080050|00080090|00081030|00081032|0020000D|00200010|00081060|00101010|00101020|00101030)$/;
const SERIES_LEVEL =
  /^(00080060|00080021|00080031|0008103E|00180015|0020000E|00200011|00200060|00185100|00080070|00081090|00081010|00081040|00200052|00181030|00400244|00400245)$/;

function wantedAt(level: QueryLevel, tag: string): boolean {
  if (/^0002/.test(tag) || tag === '7FE00010') return false;
  if (level === 'study') return STUDY_LEVEL.test(tag);
  if (level === 'series') return SERIES_LEVEL.test(tag);
  return true;
}

/**
 * Adds to a QIDO result what `includefield` asks for, from a header of that level (the instance itself, or the
 * first instance of the series or study). What the result has already (from the index) stays; bulk data and
 * values only a BulkDataURI could carry are left out.
 */
export function includeFields(result: DicomJson, header: DicomJson | undefined, level: QueryLevel, fields: IncludeFields): DicomJson {
  if (!header) return result;
  const out: DicomJson = { ...result };
  for (const [tag, attribute] of Object.entries(header)) {
    if (tag in out || attribute.BulkDataURI) continue;
    if (fields.all ? wantedAt(level, tag) : fields.tags.has(tag)) out[tag] = attribute;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
