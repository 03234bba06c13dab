// Libraries throw more than Errors: dicom-parser throws strings and { exception, dataSet } objects, Emscripten codecs
// numbers (pointers) and strings. Whatever was thrown becomes a typed Error with a readable message here, so logs
// show a reason and a stack instead of {"type":"Object","stack":""}.
import { DicomError } from './dicom.errors';

/** A value that was thrown but is not an Error (a string, a number, a plain object), kept as `cause`. */
export class ThrownValueError extends DicomError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** A readable message for anything thrown. */
export function thrownMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  if (typeof thrown === 'string') return thrown;
  if (typeof thrown === 'number') return `aborted with code ${thrown}`;
  if (thrown === undefined || thrown === null) return `threw ${String(thrown)}`;
  if (typeof thrown === 'object') {
    const o = thrown as { exception?: unknown; message?: unknown };
    if (o.exception !== undefined) return thrownMessage(o.exception); // dicom-parser's parse failures
    if (typeof o.message === 'string') return o.message;
    try {
      return JSON.stringify(thrown).slice(0, 500);
    } catch {
      return Object.prototype.toString.call(thrown);
    }
  }
  return String(thrown);
}

/** The thrown value itself when it is an Error, else a ThrownValueError carrying it. */
export function ensureError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new ThrownValueError(thrownMessage(thrown), thrown);
}
