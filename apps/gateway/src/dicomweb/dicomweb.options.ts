/** Limits of the DICOMweb endpoints; the lead may bind DICOMWEB_OPTIONS from configuration. */
export interface DicomWebOptions {
  /** a STOW-RS request larger than this is refused (413), also while it streams in */
  maxRequestBytes: number;
  /** one instance (one part) larger than this is refused (413) */
  maxInstanceBytes: number;
  maxInstancesPerRequest: number;
  /** parts being stored while the next one streams in */
  storeConcurrency: number;
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
