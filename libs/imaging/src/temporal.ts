import type { DicomDataset } from '@nidus/dicom';

/** Seconds since midnight of a TM value (PS3.5 6.2: HHMMSS.FFFFFF, older HH:MM:SS accepted). */
export function parseTime(tm: string | undefined): number | undefined {
  if (!tm) return undefined;
  const text = tm.trim().replace(/:/g, '');
  const m = /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]),
    min = Number(m[2] ?? 0),
    s = Number(m[3] ?? 0),
    f = m[4] ? Number(m[4]) : 0;
  if (h > 23 || min > 59 || s > 60) return undefined;
  return h * 3600 + min * 60 + s + f;
}

/** Seconds since the Unix epoch (UTC, offsets applied) of a DA + TM pair. */
export function parseDateTime(da: string | undefined, tm: string | undefined): number | undefined {
  if (!da || !/^\d{8}$/.test(da.trim())) return undefined;
  const t = parseTime(tm);
  if (t === undefined) return undefined;
  const d = da.trim();
  return Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) / 1000 + t;
}

/** Seconds since the Unix epoch of a DT value (PS3.5 6.2: YYYYMMDDHHMMSS.FFFFFF&ZZXX). */
export function parseDicomDateTime(dt: string | undefined): number | undefined {
  if (!dt) return undefined;
  const m = /^(\d{8})(\d{2,6}(?:\.\d+)?)?([+-]\d{4})?$/.exec(dt.trim());
  if (!m) return undefined;
  const seconds = parseDateTime(m[1], m[2] ?? '00');
  if (seconds === undefined) return undefined;
  if (!m[3]) return seconds;
  const sign = m[3][0] === '-' ? -1 : 1;
  return seconds - sign * (Number(m[3].slice(1, 3)) * 3600 + Number(m[3].slice(3, 5)) * 60);
}

/** A source of acquisition times, in order of preference: dated times first, then time of day, then trigger time. */
export interface TimeSource {
  name: string;
  /** seconds; time-of-day sources are seconds since midnight and may wrap */
  read: (ds: DicomDataset) => number | undefined;
  timeOfDay: boolean;
}

export const TIME_SOURCES: readonly TimeSource[] = [
  { name: 'AcquisitionDateTime', read: (ds) => parseDicomDateTime(ds.string('AcquisitionDateTime')), timeOfDay: false },
  { name: 'AcquisitionDate+AcquisitionTime', read: (ds) => parseDateTime(ds.string('AcquisitionDate'), ds.string('AcquisitionTime')), timeOfDay: false },
  { name: 'AcquisitionTime', read: (ds) => parseTime(ds.string('AcquisitionTime')), timeOfDay: true },
  { name: 'ContentDate+ContentTime', read: (ds) => parseDateTime(ds.string('ContentDate'), ds.string('ContentTime')), timeOfDay: false },
  { name: 'ContentTime', read: (ds) => parseTime(ds.string('ContentTime')), timeOfDay: true },
  {
    name: 'TriggerTime',
    read: (ds) => {
      const ms = ds.number('TriggerTime');
      return ms === undefined ? undefined : ms / 1000;
    },
    timeOfDay: false,
  },
];

const DAY = 86400;

/**
 * Times of day that cross midnight: when the spread exceeds half a day, the early-morning values are the
 * next day's (a perfusion acquisition lasts minutes, never twelve hours).
 */
export function unwrapMidnight(times: (number | undefined)[]): (number | undefined)[] {
  const known = times.filter((t): t is number => t !== undefined);
  if (known.length === 0) return times;
  const min = Math.min(...known),
    max = Math.max(...known);
  if (max - min <= DAY / 2) return times;
  return times.map((t) => (t === undefined ? t : t < DAY / 2 ? t + DAY : t));
}
