import { buildParametricMap, Codes, type CodedConcept, type ResultObjectOptions, type SourceHeader, type SourceSlices } from '@nidus/dicom';
import type { ResultObject } from '@nidus/analysis';
import type { PerfusionMaps } from '@nidus/perfusion';

/** One perfusion map as a Parametric Map: which array, its quantity, unit and the range it is shown in. */
interface MapDefinition {
  key: 'tmax' | 'rcbf' | 'cbf' | 'cbv' | 'mtt';
  label: string;
  quantity: CodedConcept;
  unit: CodedConcept;
  /** stored value = map value x scale (rCBF: fraction -> %) */
  scale: number;
  displayRange: readonly [number, number];
}

/** In the order the review page offers them; Tmax and rCBF span the ranges of the summary images' colour bars. */
export const CTP_MAP_DEFINITIONS: readonly MapDefinition[] = [
  { key: 'tmax', label: 'TMAX', quantity: Codes.Tmax, unit: Codes.Second, scale: 1, displayRange: [0, 12] },
  { key: 'rcbf', label: 'RCBF', quantity: Codes.RelativeCbf, unit: Codes.Percent, scale: 100, displayRange: [0, 120] },
  { key: 'cbf', label: 'CBF', quantity: Codes.CerebralBloodFlow, unit: Codes.MlPer100gPerMin, scale: 1, displayRange: [0, 80] },
  { key: 'cbv', label: 'CBV', quantity: Codes.CerebralBloodVolume, unit: Codes.MlPer100g, scale: 1, displayRange: [0, 6] },
  { key: 'mtt', label: 'MTT', quantity: Codes.MeanTransitTime, unit: Codes.Second, scale: 1, displayRange: [0, 16] },
];

/**
 * The maps themselves, not only pictures of them: one DICOM Parametric Map (PS3.3 A.75) per quantity, float values
 * with their unit, outside the brain padded, in one series of the study. Any viewer that reads Parametric Maps (and
 * the review page, through Nidus's own DICOMweb index) can colour, window and probe them, which an SC cannot offer.
 */
export function buildCtpParametricMaps(
  maps: PerfusionMaps,
  source: SourceHeader,
  geometry: SourceSlices,
  options: ResultObjectOptions & { seriesDescription: string },
): ResultObject[] {
  let SeriesInstanceUID: string | undefined;
  return CTP_MAP_DEFINITIONS.map((d, k) => {
    const raw = maps[d.key];
    const values = d.scale === 1 ? raw : Float32Array.from(raw, (v) => v * d.scale);
    const pm = buildParametricMap(
      {
        source,
        geometry,
        quantity: d.quantity,
        unit: d.unit,
        label: d.label,
        values,
        mask: maps.brainMask,
        displayRange: d.displayRange,
        ContentDescription: `${d.quantity.CodeMeaning} (${d.unit.CodeValue})`,
        InstanceNumber: k + 1,
        instanceKey: d.key,
        SeriesInstanceUID,
      },
      { ...options, seriesNumber: 9905 },
    );
    SeriesInstanceUID = pm.SeriesInstanceUID;
    return { ...pm, kind: 'pm' };
  });
}
