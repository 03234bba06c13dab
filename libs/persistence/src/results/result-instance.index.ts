import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { readPart10 } from '@nidus/dicom';
import { instanceRelativePath } from '../storage/instance-path';
import { InstanceEntity } from '../study/instance.entity';
import { SeriesEntity } from '../study/series.entity';
import { StudyEntity } from '../study/study.entity';

/** A result object as made by an analysis: its UIDs and its Part 10 bytes. */
export interface ResultInstance {
  SOPClassUID: string;
  SOPInstanceUID: string;
  SeriesInstanceUID: string;
  bytes: Uint8Array;
}

/**
 * Result objects (SEG, SR, SC) indexed as instances of their source study, so QIDO-RS and WADO-RS serve them as
 * they serve what came from the PACS (issue 15). The file is linked (copied across file systems) from
 * `results/<analysisId>/` to its instance path; its series is indexed `complete` from the start, so nothing waits
 * for it to settle or routes it to an analysis. Indexing the same object again changes nothing.
 */
export class ResultInstanceIndex {
  constructor(
    private readonly db: DataSource,
    private readonly dataDir: string,
  ) {}

  /** Indexes one result object whose file is at `resultPath` (relative to DATA_DIR); false when it was indexed already. */
  async record(StudyInstanceUID: string, object: ResultInstance, resultPath: string): Promise<boolean> {
    const instances = this.db.getRepository(InstanceEntity);
    if (await instances.findOneBy({ SOPInstanceUID: object.SOPInstanceUID })) return false;
    if (!(await this.db.getRepository(StudyEntity).findOneBy({ StudyInstanceUID }))) return false; // the source study is gone
    const ds = readPart10(object.bytes, { untilTag: 'x7fe00010' });
    const { SeriesInstanceUID, SOPInstanceUID } = object;
    const path = instanceRelativePath({ StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID });
    const target = join(this.dataDir, path);
    mkdirSync(dirname(target), { recursive: true });
    try {
      linkSync(join(this.dataDir, resultPath), target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EXDEV' || code === 'EPERM') copyFileSync(join(this.dataDir, resultPath), target);
      else if (code !== 'EEXIST') throw error;
    }
    const now = new Date();
    await this.db.transaction(async (m) => {
      if (!(await m.findOneBy(SeriesEntity, { SeriesInstanceUID }))) {
        await m.insert(SeriesEntity, {
          SeriesInstanceUID,
          StudyInstanceUID,
          Modality: ds.string('Modality') ?? null,
          SeriesDescription: ds.string('SeriesDescription')?.slice(0, 64) ?? null,
          BodyPartExamined: ds.string('BodyPartExamined') ?? null,
          SeriesNumber: ds.number('SeriesNumber') ?? null,
          instanceCount: 0,
          expectedInstanceCount: null,
          state: 'complete',
          callingAETitle: null,
          firstReceivedAt: now,
          lastReceivedAt: now,
        });
      }
      if (await m.findOneBy(InstanceEntity, { SOPInstanceUID })) return;
      await m.insert(InstanceEntity, {
        SOPInstanceUID,
        SeriesInstanceUID,
        StudyInstanceUID,
        SOPClassUID: object.SOPClassUID,
        TransferSyntaxUID: ds.transferSyntaxUID,
        InstanceNumber: ds.number('InstanceNumber') ?? null,
        path,
        sizeBytes: object.bytes.length,
        sha256: createHash('sha256').update(object.bytes).digest('hex'),
        receivedAt: now,
        callingAETitle: null,
      });
      await m.update(SeriesEntity, { SeriesInstanceUID }, { instanceCount: () => `"instanceCount" + 1`, lastReceivedAt: now });
    });
    return true;
  }
}
