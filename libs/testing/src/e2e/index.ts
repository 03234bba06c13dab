export * from './poll';
export * from './storescu';
export * from './redis-database';
export * from './nidus-config-file';
export * from './dice';
export * from './segmentation-reader';
export * from './webhook-receiver';
export * from './orthanc-study';
