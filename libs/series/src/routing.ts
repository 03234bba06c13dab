import type { Route } from '@nidus/config';
import type { SeriesSummary } from '@nidus/analysis';

// Routing (section `routes` of NIDUS_CONFIG, schema libs/config/src/sections/routing.schema.ts, or the installed
// analyses' own routes): a pure function of a complete series' summary. Every analysis a matching route names runs
// once, with the priority of the first route naming it; no match, no analysis.

const upper = (v: string | undefined) => (v ?? '').trim().toUpperCase();

function inList(value: string | undefined, list: readonly string[] | undefined): boolean {
  return !list || list.some((item) => upper(item) === upper(value));
}

function descriptionMatches(pattern: string | undefined, description: string | undefined): boolean {
  if (pattern === undefined) return true;
  try {
    return new RegExp(pattern, 'i').test(description ?? '');
  } catch {
    return false; // an invalid pattern matches nothing (config validation reports it)
  }
}

/** Whether the criteria known from one instance's header hold (everything but counts). */
export function headerCriteriaMatch(
  route: Route,
  series: Pick<SeriesSummary, 'Modality' | 'BodyPartExamined' | 'SeriesDescription' | 'SOPClassUID' | 'callingAETitle'>,
): boolean {
  const m = route.match;
  return (
    inList(series.Modality, m.Modality) &&
    inList(series.BodyPartExamined, m.BodyPartExamined) &&
    (!m.SOPClassUID || m.SOPClassUID.includes(series.SOPClassUID ?? '')) &&
    descriptionMatches(m.SeriesDescription, series.SeriesDescription) &&
    inList(series.callingAETitle, m.callingAETitle)
  );
}

export function routeMatches(route: Route, series: SeriesSummary): boolean {
  const m = route.match;
  return (
    headerCriteriaMatch(route, series) &&
    (m.ImageType ?? []).every((v) => series.ImageType.some((t) => upper(t) === upper(v))) &&
    series.slices >= (m.minSlices ?? 0) &&
    series.slices <= (m.maxSlices ?? Infinity) &&
    series.timePoints >= (m.minTimePoints ?? 0) &&
    series.timePoints <= (m.maxTimePoints ?? Infinity)
  );
}

/** The routes a complete series takes, one per analysis, in configuration order; none: stored and left alone. */
export function routesFor(series: SeriesSummary, routes: readonly Route[]): Route[] {
  const taken = new Map<string, Route>();
  for (const route of routes) if (!taken.has(route.analysis) && routeMatches(route, series)) taken.set(route.analysis, route);
  return [...taken.values()];
}

/**
 * How long a series must be quiet before it counts as complete: the override of the first route its
 * header could match, else the default (STABLE_AFTER_SECONDS).
 */
export function stableAfterSeconds(series: Parameters<typeof headerCriteriaMatch>[1], routes: readonly Route[], fallback: number): number {
  return routes.find((route) => headerCriteriaMatch(route, series))?.stableAfterSeconds ?? fallback;
}
