import type { ResultView, ViewField } from '@nidus/analysis';
import type { FindingsManifest } from '@nidus/inference';
import type { ModelAnalysisResult } from './model-result';
import { modelCardSvg } from './results/model-card.svg';

const percent = (p: number | null | undefined) => (p === null || p === undefined ? '' : ` (p ${p.toFixed(2)})`);

/** Each finding (present, probability) and measurement of a model's result, by the paths alert rules use. */
export function modelFields(result: ModelAnalysisResult): ViewField[] {
  const fields: ViewField[] = [];
  for (const f of result.findings) {
    fields.push({ key: `findings.${f.key}.present`, label: f.code.CodeMeaning, value: f.present });
    if (f.probability !== undefined && f.probability !== null)
      fields.push({ key: `findings.${f.key}.probability`, label: `${f.code.CodeMeaning} probability`, value: Math.round(f.probability * 1000) / 1000 });
  }
  for (const m of result.measurements) {
    const what = result.findings.find((f) => f.key === m.key)?.code.CodeMeaning ?? m.key;
    fields.push({
      key: `measurements.${m.key}.${m.quantity}`,
      label: `${what} ${m.code.CodeMeaning.toLowerCase()}`,
      value: m.value === null ? null : Math.round(m.value * 100) / 100,
      unit: m.unit.CodeValue,
    });
  }
  return fields;
}

/** One line for a pager screen: what was found, with its probability and size; no patient identifiers. */
export function modelSummaryLine(result: ModelAnalysisResult): string {
  const present = result.findings.filter((f) => f.present);
  if (present.length === 0) return `${result.analysis.id}: nothing found above the operating threshold`;
  return present
    .map((f) => {
      const volume = result.measurements.find((m) => m.key === f.key && m.quantity === 'volumeMl');
      const size = volume?.value === null || volume === undefined ? '' : `, ${volume.value.toFixed(1)} mL`;
      return `${f.code.CodeMeaning}${percent(f.probability)}${size}`;
    })
    .join('; ');
}

/** What an alert and the review page show: the fields, the line, and the model's key image (a card until it exists). */
export function modelView(manifest: FindingsManifest, result: ModelAnalysisResult): ResultView {
  const svg = modelCardSvg(manifest, result);
  return {
    title: `${manifest.id} ${manifest.version}`,
    summary: modelSummaryLine(result),
    fields: modelFields(result),
    keyImage: result.keyImage ? { SOPInstanceUID: result.keyImage.SOPInstanceUID, svg } : { svg },
  };
}
