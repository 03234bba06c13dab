/**
 * Projection radiographs (CR, PS3.3 A.2; DX for presentation and for processing, A.26): each image stands on its
 * own, so a series of them is complete with its first image, with no quiet period to wait out.
 */
export const SINGLE_IMAGE_MODALITIES: readonly string[] = ['DX', 'CR'];

/** CR Image Storage, Digital X-Ray Image Storage for Presentation and for Processing (PS3.4 B.5). */
export const SINGLE_IMAGE_SOP_CLASSES: readonly string[] = ['1.2.840.10008.5.1.4.1.1.1', '1.2.840.10008.5.1.4.1.1.1.1', '1.2.840.10008.5.1.4.1.1.1.1.1'];

/** Whether a series of this modality or SOP class completes with each image it receives. */
export function completesWithEachImage(series: { Modality?: string | null; SOPClassUID?: string | null }): boolean {
  const modality = (series.Modality ?? '').trim().toUpperCase();
  return SINGLE_IMAGE_MODALITIES.includes(modality) || SINGLE_IMAGE_SOP_CLASSES.includes(series.SOPClassUID ?? '');
}
