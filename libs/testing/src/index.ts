// Helpers of the medium and e2e tests and benches: real peers (Orthanc, dcmtk, dicom3tools, pydicom, webhook
// receivers, Nidus processes), databases and Redis per test, synthetic DICOM and phantoms with known answers.
// Imported as @nidus/testing by specs, benches and scripts only, never by a library's own code.
export * from './alerts/alert-fixtures';

export * from './database/test-databases';
export * from './dicom/dcmtk';
export * from './dicom/dicom-tools';
export * from './dicom/storescp';
export * from './dicom/synthetic-ct-series';
export * from './dicom/synthetic-instances';
export * from './dicom/pydicom-person-name';
export * from './e2e/dice';
export * from './e2e/nidus-config-file';
export * from './e2e/orthanc-study';
export * from './e2e/poll';
export * from './e2e/redis-database';
export * from './e2e/private-redis';
export * from './e2e/segmentation-reader';
export * from './e2e/storescu';
export * from './e2e/storescu-answered';
export * from './net/webhook-receiver';
export * from './imaging/dcmj2pnm';
export * from './imaging/dump2dcm';
export * from './imaging/phantom';
export * from './imaging/reference-decoder';
export * from './imaging/pydicom-corpus-reference';
export * from './imaging/synthetic-series';
export * from './net/free-port';
export * from './orthanc/orthanc.harness';
export * from './perfusion/synthetic-perfusion-result';
export * from './phantom';
export * from './mr';
export * from './process/nidus-process';
export * from './pydicom-corpus';
export * from './analysis/intensity.analysis';
export * from './auth/in-memory-ack-nonce.store';
export * from './auth/in-memory-audit.log';
export * from './auth/in-memory-token.store';
export * from './auth/syslog-receiver';
export * from './auth/test-oidc-issuer';
export * from './auth/test-identity';
export * from './tls/test-certificates';
export * from './imaging/jpeg-test-encoder';
export * from './perfusion/synthetic-tissue';
export * from './findings';
export * from './numpy/numpy-reference';
export * from './browser/chromium';
