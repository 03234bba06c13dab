import { buildSecondaryCapture, buildSegmentation, code, Codes, generateUid, writePart10 } from '@nidus/dicom';
import { boxMask, syntheticCtSeries, freePort, OrthancHandle, startOrthanc } from '@nidus/testing';
import { nextRetry } from '../retry-policy';
import { DeliveryFailedError, DeliveryRejectedError } from './delivery.errors';
import type { DeliveryObject } from './delivery-target';
import { CStoreTarget } from './c-store.target';

const options = { softwareVersion: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234' };

function resultObjects(): { objects: DeliveryObject[]; StudyInstanceUID: string } {
  const source = syntheticCtSeries({ rows: 8, columns: 8, slices: 2 });
  const seg = buildSegmentation(
    {
      source: source.datasets[0],
      geometry: source.geometry,
      algorithm: { name: 'Nidus CTP', version: '0.1.0-test', family: code('123110', 'DCM', 'Artificial Intelligence') },
      segments: [
        {
          SegmentLabel: 'Ischemic core',
          category: Codes.MorphologicallyAlteredStructure,
          type: Codes.Infarct,
          displayColorRgb: [255, 0, 255],
          mask: boxMask(2, 8, 8, { z: [0, 1], y: [2, 5], x: [2, 5] }),
        },
      ],
    },
    options,
  );
  const sc = buildSecondaryCapture({ source: source.datasets[0], Rows: 4, Columns: 6, frames: [new Uint8Array(4 * 6 * 3).fill(90)] }, options);
  return { objects: [seg, sc].map((o) => ({ SOPInstanceUID: o.SOPInstanceUID, bytes: o.bytes })), StudyInstanceUID: source.StudyInstanceUID };
}

async function storedSeries(orthanc: OrthancHandle, StudyInstanceUID: string): Promise<string[]> {
  const found = await orthanc.restJson<{ ID: string; Type: string }[]>('/tools/lookup', { method: 'POST', body: StudyInstanceUID });
  const study = found.find((f) => f.Type === 'Study');
  if (!study) return [];
  const series = await orthanc.restJson<{ MainDicomTags: { SeriesDescription: string } }[]>(`/studies/${study.ID}/series`);
  return series.map((s) => s.MainDicomTags.SeriesDescription).sort();
}

describe(CStoreTarget.name, () => {
  let orthanc: OrthancHandle;
  beforeAll(async () => {
    orthanc = await startOrthanc({ aet: 'PACS', config: { DicomCheckCalledAet: true } });
  });
  afterAll(() => orthanc?.stop());

  const target = (overrides: Partial<ConstructorParameters<typeof CStoreTarget>[0]> = {}) =>
    new CStoreTarget({ id: 'pacs-dimse', host: '127.0.0.1', port: orthanc.dicomPort, calledAETitle: 'PACS', callingAETitle: 'NIDUS', ...overrides });

  it('stores the objects in the PACS study by C-STORE', async () => {
    const { objects, StudyInstanceUID } = resultObjects();
    const outcomes = await target().deliver(objects);
    expect(outcomes.map((o) => [o.SOPInstanceUID, o.outcome, o.detail])).toEqual(objects.map((o) => [o.SOPInstanceUID, 'delivered', 'status 0x0000']));
    expect(await storedSeries(orthanc, StudyInstanceUID)).toEqual(['NIDUS CTP SEG', 'NIDUS CTP SUMMARY']);
  });

  it('delivers what the PACS takes and refuses, for good, an object of a SOP class it does not support', async () => {
    const { objects, StudyInstanceUID } = resultObjects();
    const odd = writePart10({
      SOPClassUID: '1.2.826.0.1.3680043.10.1234.999',
      SOPInstanceUID: generateUid(),
      StudyInstanceUID,
      SeriesInstanceUID: generateUid(),
      Modality: 'OT',
    });
    const oddObject = { SOPInstanceUID: '1.2.826.0.1.3680043.10.1234.998', bytes: odd };
    const outcomes = await target().deliver([objects[0], oddObject, { SOPInstanceUID: '9.9', bytes: Buffer.from('not dicom') }]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['delivered', 'rejected', 'rejected']);
    expect(outcomes[1].error).toBeInstanceOf(DeliveryRejectedError);
    expect(outcomes[1].detail).toMatch(/not accepted/);
    expect(nextRetry(1, outcomes[1].error).retry).toBe(false);
  });

  it('calls a rejected association (wrong called AE title) a permanent refusal', async () => {
    const { objects } = resultObjects();
    const outcomes = await target({ calledAETitle: 'NOT_PACS' }).deliver(objects);
    expect(outcomes.map((o) => o.outcome)).toEqual(['rejected', 'rejected']);
    expect(outcomes[0].detail).toMatch(/association rejected/);
  });

  it('calls an unreachable PACS a failure worth retrying', async () => {
    const { objects } = resultObjects();
    const outcomes = await target({ port: await freePort() }).deliver(objects.slice(0, 1));
    expect(outcomes[0].outcome).toBe('retry');
    expect(outcomes[0].error).toBeInstanceOf(DeliveryFailedError);
    expect(outcomes[0].detail).toMatch(/ECONNREFUSED/);
    expect(nextRetry(1, outcomes[0].error).retry).toBe(true);
  });
});
