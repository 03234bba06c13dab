// Accept header negotiation for DICOMweb (PS3.18 8.7.3): media ranges with parameters and q-values.

export interface MediaRange {
  type: string;
  parameters: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || !header.trim()) return [{ type: '*/*', parameters: {}, q: 1 }];
  const ranges: MediaRange[] = [];
  // split on commas outside quotes
  for (const part of header.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const parameters: Record<string, string> = {};
    let q = 1;
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"|"$/g, '');
      if (name === 'q') q = Number(value);
      else parameters[name] = value;
    }
    if (q > 0) ranges.push({ type: type.toLowerCase(), parameters, q });
  }
  return ranges.sort((a, b) => b.q - a.q);
}

/** Whether a media range admits the given type (wild cards included). */
export function admits(range: MediaRange, type: string): boolean {
  if (range.type === '*/*') return true;
  const [major] = type.split('/');
  return range.type === type || range.type === `${major}/*`;
}

export type DicomRetrieveForm = { form: 'multipart'; transferSyntax?: string } | { form: 'single'; transferSyntax?: string };

/**
 * What a retrieve of DICOM instances may answer: multipart/related; type="application/dicom" (the
 * default), or a bare application/dicom. transfer-syntax "*" (or none) means as stored.
 */
export function dicomRetrieveForm(accept: string | undefined): DicomRetrieveForm | undefined {
  for (const range of parseAccept(accept)) {
    const ts = range.parameters['transfer-syntax'];
    const transferSyntax = ts && ts !== '*' ? ts : undefined;
    if (range.type === 'multipart/related') {
      const type = (range.parameters.type ?? 'application/dicom').toLowerCase();
      if (type === 'application/dicom') return { form: 'multipart', transferSyntax };
      continue;
    }
    if (range.type === 'application/dicom') return { form: 'single', transferSyntax };
    if (range.type === '*/*' || range.type === 'multipart/*') return { form: 'multipart', transferSyntax };
  }
  return undefined;
}
