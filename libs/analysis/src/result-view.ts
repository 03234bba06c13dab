/** One line of what a result shows: a number with its unit, a side, a verdict. */
export interface ViewField {
  /** a path into the result (`coreVolumeMl`, `findings.hemorrhage.present`), also what alert payloads key on */
  key: string;
  label: string;
  value: number | string | boolean | null;
  /** UCUM or plain ('mL', 's', '%') */
  unit?: string;
}

/**
 * The picture of a result: one of its result objects (a Secondary Capture, by the SOPInstanceUID its run will
 * give it) once that is built, and until then, or without one, a small card drawn from the numbers (SVG).
 */
export interface KeyImage {
  SOPInstanceUID?: string;
  svg?: string;
}

/** One line of a chart: its points (x, y) and those to mark (left out of the analysis, for instance). */
export interface ViewChartSeries {
  label: string;
  /** CSS colour */
  colour: string;
  points: [number, number][];
  /** indices into `points` drawn as marked (a cross) */
  marked?: number[];
  /** what a marked point means ('left out') */
  markedLabel?: string;
}

/** A small chart of a result (the quality checks' curves and motion plot), drawn by the review page. */
export interface ViewChart {
  key: string;
  title: string;
  x: { label: string; unit?: string };
  y: { label: string; unit?: string };
  series: ViewChartSeries[];
  /** one line each, under the chart (where the curves come from, what the plot shows) */
  notes?: string[];
}

/** What an alert and the review page show of one result. */
export interface ResultView {
  title: string;
  /** the result's quality; when not high, `summary` says why in the same line */
  quality?: { confidence: 'high' | 'reduced' | 'low'; reasons: string[] };
  /** one line for a pager screen, no patient identifiers ('DEFUSE 3 eligible; core 12 mL, ...') */
  summary: string;
  fields: ViewField[];
  keyImage: KeyImage | null;
  /** charts the review page draws beside the numbers; absent when the result has none */
  charts?: ViewChart[];
}
