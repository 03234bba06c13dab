import type { ModelInputReason } from './inference.errors';
import type { AppliesTo } from './manifest/applies-to.schema';

/** The facts of a series (or image) that `appliesTo` looks at; a SeriesSummary of the pipeline fits. */
export interface AppliesToFacts {
  Modality?: string;
  BodyPartExamined?: string;
  SOPClassUID?: string;
  SeriesDescription?: string;
  ImageType: readonly string[];
  PhotometricInterpretation?: string;
  /** distinct slice positions */
  slices: number;
}

const upper = (v: string | undefined) => (v ?? '').trim().toUpperCase();
const inList = (value: string | undefined, list: readonly string[] | undefined) => !list || list.some((item) => upper(item) === upper(value));

/**
 * Why a model does not apply to a series, or undefined when it does: the same rules as a route's match
 * (case-insensitive values, every ImageType value present, SeriesDescription a case-insensitive regular
 * expression), plus slice counts and PhotometricInterpretation (default MONOCHROME1 or MONOCHROME2).
 */
export function appliesToMismatch(appliesTo: AppliesTo, facts: AppliesToFacts): { reason: ModelInputReason; detail: string } | undefined {
  if (!inList(facts.Modality, appliesTo.Modality))
    return { reason: 'modality', detail: `Modality ${facts.Modality ?? '(none)'} is not ${appliesTo.Modality.join(' or ')}` };
  if (!inList(facts.BodyPartExamined, appliesTo.BodyPartExamined))
    return { reason: 'body-part', detail: `BodyPartExamined ${facts.BodyPartExamined ?? '(none)'} is not ${appliesTo.BodyPartExamined!.join(' or ')}` };
  if (appliesTo.SOPClassUID && !appliesTo.SOPClassUID.includes(facts.SOPClassUID ?? ''))
    return { reason: 'sop-class', detail: `SOPClassUID ${facts.SOPClassUID ?? '(none)'} is not one the model takes` };
  const missing = (appliesTo.ImageType ?? []).filter((v) => !facts.ImageType.some((t) => upper(t) === upper(v)));
  if (missing.length) return { reason: 'image-type', detail: `ImageType ${facts.ImageType.join('\\') || '(none)'} lacks ${missing.join(', ')}` };
  if (appliesTo.SeriesDescription !== undefined) {
    let matches: boolean;
    try {
      matches = new RegExp(appliesTo.SeriesDescription, 'i').test(facts.SeriesDescription ?? '');
    } catch {
      matches = false;
    }
    if (!matches)
      return {
        reason: 'series-description',
        detail: `SeriesDescription ${facts.SeriesDescription ?? '(none)'} does not match /${appliesTo.SeriesDescription}/i`,
      };
  }
  const photometric = appliesTo.PhotometricInterpretation ?? ['MONOCHROME1', 'MONOCHROME2'];
  if (facts.PhotometricInterpretation !== undefined && !inList(facts.PhotometricInterpretation, photometric))
    return { reason: 'photometric', detail: `PhotometricInterpretation ${facts.PhotometricInterpretation} is not ${photometric.join(' or ')}` };
  if (appliesTo.minSlices !== undefined && facts.slices < appliesTo.minSlices)
    return { reason: 'too-few-slices', detail: `${facts.slices} slice(s), the model needs at least ${appliesTo.minSlices}` };
  if (appliesTo.maxSlices !== undefined && facts.slices > appliesTo.maxSlices)
    return { reason: 'too-many-slices', detail: `${facts.slices} slices, the model takes at most ${appliesTo.maxSlices}` };
  return undefined;
}
