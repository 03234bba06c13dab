import type { Route } from '@nidus/config';
import type { FindingsManifest } from '@nidus/inference';

/**
 * A model's default route, from its manifest's appliesTo (docs/models.md): the same criteria, routine priority, and
 * one time point only (a 4D perfusion series is no volume for a findings model). Routes in NIDUS_CONFIG replace it.
 */
export function modelDefaultRoute(manifest: FindingsManifest): Route {
  const a = manifest.appliesTo;
  return {
    name: `${manifest.id} (appliesTo)`,
    match: {
      Modality: [...a.Modality],
      BodyPartExamined: a.BodyPartExamined && [...a.BodyPartExamined],
      SOPClassUID: a.SOPClassUID && [...a.SOPClassUID],
      ImageType: a.ImageType && [...a.ImageType],
      SeriesDescription: a.SeriesDescription,
      minSlices: a.minSlices,
      maxSlices: a.maxSlices,
      maxTimePoints: 1,
    },
    analysis: manifest.id,
    priority: 'routine',
  };
}
