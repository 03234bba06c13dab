/** What each demonstration model's module gives the generator. */
export interface DemoModel {
  id: string;
  build(): Uint8Array;
  manifest(sha256: string): Record<string, unknown>;
}

export const DEMO_NOTICE = 'DEMONSTRATION ONLY, NOT FOR CLINICAL USE: a fixed-weight graph written by hand (no training, no data)';
