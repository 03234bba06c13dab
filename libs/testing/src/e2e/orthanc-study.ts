import type { OrthancHandle } from '../orthanc/orthanc.harness';
import { waitUntil } from './poll';

export interface OrthancSeries {
  ID: string;
  Instances: string[];
  MainDicomTags: { SeriesDescription?: string; Modality?: string; SeriesInstanceUID: string; [k: string]: string | undefined };
}

/** Orthanc's id of a study, by StudyInstanceUID (REST /tools/lookup), or undefined. */
export async function orthancStudyId(orthanc: OrthancHandle, StudyInstanceUID: string): Promise<string | undefined> {
  const found = await orthanc.restJson<{ ID: string; Type: string }[]>('/tools/lookup', { method: 'POST', body: StudyInstanceUID });
  return found.find((f) => f.Type === 'Study')?.ID;
}

export function orthancSeries(orthanc: OrthancHandle, studyId: string): Promise<OrthancSeries[]> {
  return orthanc.restJson<OrthancSeries[]>(`/studies/${studyId}/series`);
}

/**
 * Waits until the study holds a series with each of `descriptions`, each with at least the given
 * number of instances, and returns the study's series.
 */
export function waitForSeries(
  orthanc: OrthancHandle,
  studyId: string,
  descriptions: Record<string, number>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<OrthancSeries[]> {
  return waitUntil(
    `series ${Object.keys(descriptions).join(', ')} in Orthanc study ${studyId}`,
    async () => {
      const series = await orthancSeries(orthanc, studyId);
      const ok = Object.entries(descriptions).every(([d, n]) => series.some((s) => s.MainDicomTags.SeriesDescription === d && s.Instances.length >= n));
      return ok ? series : undefined;
    },
    timeoutMs,
    intervalMs,
  );
}

/** The stored Part 10 file of one Orthanc instance. */
export async function orthancInstanceFile(orthanc: OrthancHandle, instanceId: string): Promise<Buffer> {
  const res = await orthanc.rest(`/instances/${instanceId}/file`);
  if (!res.ok) throw new Error(`Orthanc /instances/${instanceId}/file answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
