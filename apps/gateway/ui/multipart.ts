/**
 * The body of the first part of a multipart/related answer (RFC 2387; WADO-RS frames, PS3.18 8.7.3.3): the bytes
 * between the part's header block and the next delimiter.
 */
export function firstPart(contentType: string, body: Uint8Array): Uint8Array {
  const match = /boundary=("?)([^";]+)\1/i.exec(contentType);
  if (!match) return body; // a single part, sent bare
  const delimiter = new TextEncoder().encode(`--${match[2]}`);
  const start = indexOf(body, delimiter, 0);
  if (start < 0) throw new Error('multipart body without its boundary');
  const headersEnd = indexOf(body, new Uint8Array([13, 10, 13, 10]), start + delimiter.length);
  if (headersEnd < 0) throw new Error('multipart part without a header block');
  const next = indexOf(body, delimiter, headersEnd + 4);
  const end = next < 0 ? body.length : next - 2; // the CRLF before the delimiter belongs to it
  return body.subarray(headersEnd + 4, end);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
