import schema from '../analysis-result.schema.json';

/** The JSON Schema of AnalysisResult (libs/analysis/analysis-result.schema.json), for validators and documentation. */
export const ANALYSIS_RESULT_JSON_SCHEMA = schema;
