// SOP Class UIDs Nidus names in code, by their PS3.6 Annex A keywords.

export const SopClass = {
  CTImageStorage: '1.2.840.10008.5.1.4.1.1.2',
  EnhancedCTImageStorage: '1.2.840.10008.5.1.4.1.1.2.1',
  MRImageStorage: '1.2.840.10008.5.1.4.1.1.4',
  EnhancedMRImageStorage: '1.2.840.10008.5.1.4.1.1.4.1',
  ComputedRadiographyImageStorage: '1.2.840.10008.5.1.4.1.1.1',
  DigitalXRayImageStorageForPresentation: '1.2.840.10008.5.1.4.1.1.1.1',
  DigitalXRayImageStorageForProcessing: '1.2.840.10008.5.1.4.1.1.1.1.1',
  SecondaryCaptureImageStorage: '1.2.840.10008.5.1.4.1.1.7',
  SegmentationStorage: '1.2.840.10008.5.1.4.1.1.66.4',
  ParametricMapStorage: '1.2.840.10008.5.1.4.1.1.30',
  Comprehensive3DSRStorage: '1.2.840.10008.5.1.4.1.1.88.34',
} as const;
