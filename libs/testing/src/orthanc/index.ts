export * from './free-port';
export * from './orthanc.harness';
