export * from './dicomweb.module';
export * from './dicomweb.options';
export * from './wado.service';
export * from './dicomweb-query.repository';
