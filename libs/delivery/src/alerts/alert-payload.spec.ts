import type { AnalysisEntity, StudyEntity } from '@nidus/persistence';
import { alertContent } from './alert-payload';

describe(alertContent.name, () => {
  const analysis = {
    id: 'a1',
    kind: 'models',
    StudyInstanceUID: '1.2.3',
    SeriesInstanceUID: '1.2.3.4',
    result: {},
    finishedAt: null,
  } as unknown as AnalysisEntity;
  const study = { StudyInstanceUID: '1.2.3', PatientID: 'P-1', PatientName: 'Trần^Văn Đức', PatientAge: '071Y', PatientSex: 'M' } as StudyEntity;
  const facts = { analysis, study, series: null, teamName: null, view: { title: 't', summary: 's', fields: [], keyImage: null }, ruleFields: [] };
  const phi = { accessionNumber: false, patientId: false, patientName: false, patientAge: false, patientSex: false };

  it('carries the decoded PatientName only when the configuration asks for it', () => {
    expect(alertContent(null, 'alert', 'stroke', facts, phi).study).not.toHaveProperty('PatientName');
    expect(alertContent(null, 'alert', 'stroke', facts, { ...phi, patientName: true }).study.PatientName).toBe('Trần^Văn Đức');
    expect(alertContent(null, 'alert', 'stroke', { ...facts, study: null }, { ...phi, patientName: true }).study.PatientName).toBeNull();
  });
});
