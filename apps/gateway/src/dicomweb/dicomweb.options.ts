import type { StowOptions } from '@nidus/ingest';

/** Limits of the DICOMweb endpoints. */
export interface DicomWebOptions extends StowOptions {
  /** QIDO-RS default and maximum page sizes */
  defaultLimit: number;
  maxLimit: number;
}

export const DICOMWEB_OPTIONS = 'DICOMWEB_OPTIONS';

export const DEFAULT_DICOMWEB_OPTIONS: DicomWebOptions = {
  maxRequestBytes: 16 * 1024 ** 3,
  maxInstanceBytes: 4 * 1024 ** 3,
  maxInstancesPerRequest: 20_000,
  storeConcurrency: 8,
  defaultLimit: 100,
  maxLimit: 1000,
};
