import type { DicomDataset } from '@nidus/dicom';

/** What recognition reads from one MR image header (PS3.3 C.8.3.1 MR Image module and the vendor b-value tags). */
export interface MrHeaderFacts {
  SeriesInstanceUID: string;
  Modality?: string;
  SeriesDescription?: string;
  ImageType: string[];
  /** s/mm^2, from DiffusionBValue or a vendor tag; undefined when the header holds none */
  bValue?: number;
  /** ms */
  EchoTime?: number;
  NumberOfTemporalPositions?: number;
  TemporalPositionIdentifier?: number;
  /** position along the slice normal is not needed: the distinct ImagePositionPatient values, rounded to 0.01 mm */
  position?: string;
}

/** Private creators of the vendor b-value tags (PS3.5 7.8.1: the block is found by its creator). */
const SIEMENS_CREATOR = 'SIEMENS MR HEADER';
const GE_CREATOR = 'GEMS_PARM_01';

function text(ds: DicomDataset, tag: number): string | undefined {
  const e = ds.elementByTag(tag);
  if (!e || e.length === 0) return undefined;
  const bytes = ds.byteArray.subarray(e.dataOffset, e.dataOffset + e.length);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
}

/** The element number block (0xXX00) a private creator reserved in a group, if any (PS3.5 7.8.1). */
function privateBlock(ds: DicomDataset, group: number, creator: string): number | undefined {
  for (let e = 0x10; e <= 0xff; e++) {
    const value = text(ds, ((group << 16) | e) >>> 0);
    if (value === undefined) continue;
    if (value.toUpperCase() === creator) return e << 8;
  }
  return undefined;
}

/**
 * The b-value of a diffusion image: DiffusionBValue (0018,9087, PS3.3 C.8.13.5.9) when present; else Siemens
 * (0019,xx0C) IS of "SIEMENS MR HEADER"; else GE (0043,xx39) IS of "GEMS_PARM_01", whose first value some software
 * writes plus 10^9.
 */
export function bValueOf(ds: DicomDataset): number | undefined {
  const standard = safeNumber(ds, 'DiffusionBValue');
  if (standard !== undefined) return standard;
  const siemens = privateBlock(ds, 0x0019, SIEMENS_CREATOR);
  if (siemens !== undefined) {
    const value = Number(text(ds, (0x00190000 | siemens | 0x0c) >>> 0));
    if (Number.isFinite(value)) return value;
  }
  const ge = privateBlock(ds, 0x0043, GE_CREATOR);
  if (ge !== undefined) {
    const first = Number(text(ds, (0x00430000 | ge | 0x39) >>> 0)?.split('\\')[0]);
    if (Number.isFinite(first)) return first % 1e9;
  }
  return undefined;
}

function safeNumber(ds: DicomDataset, keyword: string): number | undefined {
  try {
    const value = ds.number(keyword);
    return value !== undefined && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function safeString(ds: DicomDataset, keyword: string): string | undefined {
  try {
    return ds.string(keyword);
  } catch {
    return undefined;
  }
}

/** The facts of one header. */
export function mrHeaderFacts(ds: DicomDataset): MrHeaderFacts {
  const position = safeString(ds, 'ImagePositionPatient');
  return {
    SeriesInstanceUID: safeString(ds, 'SeriesInstanceUID') ?? '',
    Modality: safeString(ds, 'Modality'),
    SeriesDescription: safeString(ds, 'SeriesDescription'),
    ImageType: (safeString(ds, 'ImageType') ?? '')
      .split('\\')
      .map((v) => v.trim().toUpperCase())
      .filter(Boolean),
    bValue: bValueOf(ds),
    // an enhanced image's frame has EffectiveEchoTime (MR Echo, C.8.13.5.2) and TemporalPositionIndex (Frame Content,
    // C.7.6.16.2.2) where a classic image has EchoTime and TemporalPositionIdentifier (C.8.3.1)
    EchoTime: safeNumber(ds, 'EchoTime') ?? safeNumber(ds, 'EffectiveEchoTime'),
    NumberOfTemporalPositions: safeNumber(ds, 'NumberOfTemporalPositions'),
    TemporalPositionIdentifier: safeNumber(ds, 'TemporalPositionIdentifier') ?? safeNumber(ds, 'TemporalPositionIndex'),
    position: position
      ?.split('\\')
      .map((v) => Number(v).toFixed(2))
      .join('\\'),
  };
}
