import { parsePersonName } from '@nidus/dicom';
import type { DicomJson, DicomJsonAttribute } from '@nidus/dicom-net';
import type { InstanceEntity, SeriesEntity, StudyEntity } from '@nidus/persistence';

// QIDO-RS results in the DICOM JSON Model (PS3.18 F.2), from the index: the attributes PS3.18
// Tables 10.6.3-3/-4/-5 ask a server to return for studies, series and instances.

function el(vr: string, value: string | number | null | undefined): DicomJsonAttribute {
  if (value === null || value === undefined || value === '') return { vr };
  // PS3.18 F.2.2: a PN value by its component groups, each as decoded from the instance's character set
  if (vr === 'PN') return { vr, Value: [parsePersonName(String(value))] };
  return { vr, Value: [value] };
}

export function studyJson(study: StudyEntity, series: SeriesEntity[], baseUrl: string): DicomJson {
  const modalities = [...new Set(series.map((s) => s.Modality).filter((m): m is string => !!m))].sort();
  return {
    '00080005': el('CS', 'ISO_IR 192'),
    '00080020': el('DA', study.StudyDate),
    '00080030': el('TM', study.StudyTime),
    '00080050': el('SH', study.AccessionNumber),
    '00080061': modalities.length ? { vr: 'CS', Value: modalities } : { vr: 'CS' },
    '00081030': el('LO', study.StudyDescription),
    '00081190': el('UR', `${baseUrl}/studies/${study.StudyInstanceUID}`),
    '00100010': el('PN', study.PatientName),
    '00100020': el('LO', study.PatientID),
    '00100030': el('DA', study.PatientBirthDate),
    '00100040': el('CS', study.PatientSex),
    '0020000D': el('UI', study.StudyInstanceUID),
    '00201206': el('IS', series.length),
    '00201208': el(
      'IS',
      series.reduce((n, s) => n + s.instanceCount, 0),
    ),
  };
}

export function seriesJson(series: SeriesEntity, baseUrl: string): DicomJson {
  return {
    '00080005': el('CS', 'ISO_IR 192'),
    '00080060': el('CS', series.Modality),
    '0008103E': el('LO', series.SeriesDescription),
    '00081190': el('UR', `${baseUrl}/studies/${series.StudyInstanceUID}/series/${series.SeriesInstanceUID}`),
    '00180015': el('CS', series.BodyPartExamined),
    '0020000D': el('UI', series.StudyInstanceUID),
    '0020000E': el('UI', series.SeriesInstanceUID),
    '00200011': el('IS', series.SeriesNumber),
    '00201209': el('IS', series.instanceCount),
  };
}

export function instanceJson(instance: InstanceEntity, baseUrl: string): DicomJson {
  return {
    '00080016': el('UI', instance.SOPClassUID),
    '00080018': el('UI', instance.SOPInstanceUID),
    '00081190': el('UR', `${baseUrl}/studies/${instance.StudyInstanceUID}/series/${instance.SeriesInstanceUID}/instances/${instance.SOPInstanceUID}`),
    '00083002': el('UI', instance.TransferSyntaxUID),
    '0020000D': el('UI', instance.StudyInstanceUID),
    '0020000E': el('UI', instance.SeriesInstanceUID),
    '00200013': el('IS', instance.InstanceNumber),
  };
}
