import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { toDeliveryView, type DeliveryView } from '@nidus/delivery';
import { AnalysisEntity, AnalysisRepository, DeliveryEntity, DeliveryRepository, SeriesEntity, StudyEntity, StudyIndexRepository } from '@nidus/persistence';
import { DicomWebQueryRepository, type QueryParams } from './dicomweb-query.repository';
import { RequirePermission } from '../security/require-permission.decorator';
import { Audited } from '../security/audited.decorator';
import { parsePaging } from '../paging/paging';

export interface StudySummary {
  StudyInstanceUID: string;
  PatientID: string | null;
  PatientName: string | null;
  AccessionNumber: string | null;
  StudyDate: string | null;
  StudyDescription: string | null;
  firstReceivedAt: string;
  lastReceivedAt: string;
  seriesCount: number;
  instanceCount: number;
  series: {
    SeriesInstanceUID: string;
    Modality: string | null;
    SeriesDescription: string | null;
    SeriesNumber: number | null;
    instanceCount: number;
    expectedInstanceCount: number | null;
    state: string;
    analyses: {
      id: string;
      kind: string;
      status: string;
      priority: string;
      queuedAt: string;
      finishedAt: string | null;
      /** why it failed, typed (e.g. `ModelOutputError(not-finite): ...`, or WorkerDiedError after its worker died too often) */
      error: string | null;
      /** tries so far, and those cut off by a dying worker */
      attempts: number;
      interruptions: number;
      /** each result object at each delivery target (on /api/studies/{uid} only) */
      deliveries?: DeliveryView[];
    }[];
  }[];
}

function summary(study: StudyEntity, series: SeriesEntity[], analyses: AnalysisEntity[], deliveries?: DeliveryEntity[]): StudySummary {
  return {
    StudyInstanceUID: study.StudyInstanceUID,
    PatientID: study.PatientID,
    PatientName: study.PatientName,
    AccessionNumber: study.AccessionNumber,
    StudyDate: study.StudyDate,
    StudyDescription: study.StudyDescription,
    firstReceivedAt: study.firstReceivedAt.toISOString(),
    lastReceivedAt: study.lastReceivedAt.toISOString(),
    seriesCount: series.length,
    instanceCount: series.reduce((n, s) => n + s.instanceCount, 0),
    series: series.map((s) => ({
      SeriesInstanceUID: s.SeriesInstanceUID,
      Modality: s.Modality,
      SeriesDescription: s.SeriesDescription,
      SeriesNumber: s.SeriesNumber,
      instanceCount: s.instanceCount,
      expectedInstanceCount: s.expectedInstanceCount,
      state: s.state,
      analyses: analyses
        .filter((a) => a.SeriesInstanceUID === s.SeriesInstanceUID)
        .map((a) => ({
          id: a.id,
          kind: a.kind,
          status: a.status,
          priority: a.priority,
          queuedAt: a.queuedAt.toISOString(),
          finishedAt: a.finishedAt?.toISOString() ?? null,
          error: a.error,
          attempts: a.attempts,
          interruptions: a.interruptions,
          ...(deliveries && { deliveries: deliveries.filter((d) => d.analysisId === a.id).map(toDeliveryView) }),
        })),
    })),
  };
}

/** REST: the studies Nidus holds, their series, counts and analysis status. */
@Controller('api/studies')
@RequirePermission('study:read')
export class StudiesApiController {
  constructor(
    @Inject(DicomWebQueryRepository) private readonly query: DicomWebQueryRepository,
    @Inject(StudyIndexRepository) private readonly index: StudyIndexRepository,
    @Inject(AnalysisRepository) private readonly analyses: AnalysisRepository,
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
  ) {}

  @Get()
  @Audited('study.query')
  async list(@Query() params: QueryParams): Promise<StudySummary[]> {
    const page = parsePaging(params.limit, params.offset, { defaultLimit: 50, maxLimit: 500 });
    // the QIDO-RS study keys (PatientName in any character set, PatientID, AccessionNumber, StudyDate...), newest first
    const studies = await this.query.searchStudies(params, { limit: page.limit, offset: page.offset });
    const series = await this.query.seriesOfStudies(studies.map((s) => s.StudyInstanceUID));
    return Promise.all(
      studies.map(async (s) =>
        summary(
          s,
          series.filter((x) => x.StudyInstanceUID === s.StudyInstanceUID),
          await this.analyses.forStudy(s.StudyInstanceUID),
        ),
      ),
    );
  }

  @Get(':study')
  @Audited('study.read')
  async one(@Param('study') study: string): Promise<StudySummary> {
    const found = await this.index.findStudy(study);
    if (!found) throw new NotFoundException(`no study ${study}`);
    return summary(
      found,
      await this.index.studySeries(study),
      await this.analyses.forStudy(study),
      await this.deliveries.list({ StudyInstanceUID: study }, 10_000),
    );
  }
}
