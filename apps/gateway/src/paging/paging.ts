import { BadRequestException } from '@nestjs/common';

export interface Paging {
  limit: number;
  offset: number;
}

/** Paging parameters out of range or not whole numbers: 400 naming the parameter. */
function whole(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new BadRequestException(`${name}: a whole number from ${min} to ${max}, got '${raw.slice(0, 40)}'`);
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new BadRequestException(`${name}: a whole number from ${min} to ${max}, got '${raw.slice(0, 40)}'`);
  return value;
}

/**
 * `limit` and `offset` of a listing, checked: a value that is not a whole number within the bounds is a 400 (not a
 * 500 from the database, nor silently another page). offset is bounded too, so no query asks the database to skip 1e20 rows.
 */
export function parsePaging(
  limit: string | undefined,
  offset: string | undefined,
  bounds: { defaultLimit: number; maxLimit: number; maxOffset?: number },
): Paging {
  return {
    limit: whole('limit', limit, bounds.defaultLimit, 1, bounds.maxLimit),
    offset: whole('offset', offset, 0, 0, bounds.maxOffset ?? 1_000_000),
  };
}
