export * from './dictionary';
export * from './transfer-syntax';
export * from './dicom.errors';
export * from './dicom-dataset';
export * from './part10-reader';
export * from './uid';
export * from './part10-writer';
export * from './builders';
