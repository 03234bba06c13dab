import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, In } from 'typeorm';
import { AnalysisRegistry } from '@nidus/analysis';
import { Identity, recordReviewDecision } from '@nidus/auth';
import type { NidusConfig } from '@nidus/config';
import { readPart10 } from '@nidus/dicom';
import { Metrics } from '@nidus/observability';
import {
  AnalysisEntity,
  AnalysisRepository,
  ResultFileStore,
  ResultObjectEntity,
  ReviewRepository,
  SeriesEntity,
  StudyIndexRepository,
} from '@nidus/persistence';
import { NIDUS_CONFIG, NIDUS_SECURITY, type SecurityContext } from '@nidus/runtime';
import { Audited } from '../security/audited.decorator';
import { clientAddress, CurrentIdentity } from '../security/request-identity';
import { RequirePermission } from '../security/require-permission.decorator';
import { DisplayStackService } from './display-stack.service';
import { ReviewRequestSchema } from './review-request';
import { reviewItem, StudyAnalysis, StudyReview, StudyReviewItem } from './review-study';
import { parametricMapOverlay, type ParametricMapOverlay, UnreadableParametricMapError } from './parametric-map-overlay';
import { segmentationOverlay, SegmentationOverlay } from './segmentation-overlay';
import { latestRuns } from './worklist';

/**
 * What the review page reads of one study (its series, analyses with their view and result objects, reviews),
 * the stack of images it scrolls, the SEG overlay of an analysis, and the review decisions it records.
 */
@Controller('api/review/studies')
export class ReviewApiController {
  private readonly analyses: AnalysisRepository;
  private readonly reviews: ReviewRepository;
  private readonly files: ResultFileStore;
  /** overlays by SEG SOPInstanceUID: a result object never changes once written */
  private readonly overlays = new Map<string, Promise<SegmentationOverlay>>();
  /** maps by Parametric Map SOPInstanceUID, likewise */
  private readonly maps = new Map<string, Promise<ParametricMapOverlay>>();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(StudyIndexRepository) private readonly index: StudyIndexRepository,
    @Inject(AnalysisRegistry) private readonly registry: AnalysisRegistry,
    @Inject(NIDUS_CONFIG) config: NidusConfig,
    @Inject(NIDUS_SECURITY) private readonly security: SecurityContext,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(DisplayStackService) private readonly stacks: DisplayStackService,
  ) {
    this.analyses = new AnalysisRepository(db);
    this.reviews = new ReviewRepository(db);
    this.files = new ResultFileStore(config.dataDir);
  }

  @Get(':study')
  @RequirePermission('study:read')
  @Audited('study.read')
  async study(@Param('study') StudyInstanceUID: string): Promise<StudyReview> {
    const study = await this.index.findStudy(StudyInstanceUID);
    if (!study) throw new NotFoundException(`no study ${StudyInstanceUID}`);
    const [series, analyses, reviews] = await Promise.all([
      this.index.studySeries(StudyInstanceUID),
      this.analyses.forStudy(StudyInstanceUID),
      this.reviews.forStudy(StudyInstanceUID),
    ]);
    const objects = analyses.length
      ? await this.db.getRepository(ResultObjectEntity).find({ where: { analysisId: In(analyses.map((a) => a.id)) }, order: { SOPInstanceUID: 'ASC' } })
      : [];
    const resultSeries = new Set(objects.map((o) => o.SeriesInstanceUID));
    const instanceNumbers = new Map<string, number | null>();
    for (const s of series.filter((x) => resultSeries.has(x.SeriesInstanceUID))) {
      for (const i of await this.index.seriesInstances(s.SeriesInstanceUID)) instanceNumbers.set(i.SOPInstanceUID, i.InstanceNumber);
    }
    const current = new Set(latestRuns(analyses).map((a) => a.id));
    return {
      study: {
        StudyInstanceUID,
        PatientName: study.PatientName,
        PatientID: study.PatientID,
        PatientBirthDate: study.PatientBirthDate,
        PatientSex: study.PatientSex,
        AccessionNumber: study.AccessionNumber,
        StudyDate: study.StudyDate,
        StudyDescription: study.StudyDescription,
      },
      series: series.map((s: SeriesEntity) => ({
        SeriesInstanceUID: s.SeriesInstanceUID,
        Modality: s.Modality,
        SeriesDescription: s.SeriesDescription,
        SeriesNumber: s.SeriesNumber,
        instanceCount: s.instanceCount,
        state: s.state,
        result: resultSeries.has(s.SeriesInstanceUID),
      })),
      analyses: analyses.map((a): StudyAnalysis => ({
        id: a.id,
        kind: a.kind,
        title: this.registry.find(a.kind)?.title ?? a.kind,
        SeriesInstanceUID: a.SeriesInstanceUID,
        status: a.status,
        priority: a.priority,
        error: a.error,
        queuedAt: a.queuedAt.toISOString(),
        finishedAt: a.finishedAt?.toISOString() ?? null,
        analysisVersion: a.analysisVersion,
        modelId: a.modelId,
        modelVersion: a.modelVersion,
        supersedesId: a.supersedesId,
        current: current.has(a.id),
        view: this.view(a),
        objects: objects
          .filter((o) => o.analysisId === a.id)
          .map((o) => ({
            kind: o.kind,
            SOPInstanceUID: o.SOPInstanceUID,
            SeriesInstanceUID: o.SeriesInstanceUID,
            SOPClassUID: o.SOPClassUID,
            InstanceNumber: instanceNumbers.get(o.SOPInstanceUID) ?? null,
          })),
      })),
      reviews: reviews.map((r) => reviewItem(r, current)),
    };
  }

  /** The images of a series to scroll: one per slice position (the first time point of a perfusion series). */
  @Get(':study/series/:series/stack')
  @RequirePermission('study:read')
  @Audited('study.read')
  async stack(@Param('study') study: string, @Param('series') series: string) {
    const found = await this.index.findSeries(series);
    if (!found || found.StudyInstanceUID !== study) throw new NotFoundException(`no series ${series} in study ${study}`);
    return this.stacks.stack(found);
  }

  /** The SEG of an analysis, segment by segment and source image by source image, for drawing. */
  @Get(':study/analyses/:analysis/overlay')
  @RequirePermission('study:read')
  @Audited('study.read')
  async overlay(@Param('study') study: string, @Param('analysis') analysisId: string): Promise<SegmentationOverlay | { segments: [] }> {
    const analysis = await this.analysisOf(study, analysisId);
    const seg = await this.db.getRepository(ResultObjectEntity).findOneBy({ analysisId: analysis.id, kind: 'seg' });
    if (!seg) return { segments: [] };
    let overlay = this.overlays.get(seg.SOPInstanceUID);
    if (!overlay) {
      overlay = Promise.resolve().then(() => segmentationOverlay(readPart10(this.files.read(seg.path))));
      overlay.catch(() => this.overlays.delete(seg.SOPInstanceUID));
      this.overlays.set(seg.SOPInstanceUID, overlay);
      while (this.overlays.size > 16) this.overlays.delete(this.overlays.keys().next().value!);
    }
    return overlay;
  }

  /** The Parametric Maps of an analysis (Tmax, rCBF, ...): what each is, its unit and display range, without pixels. */
  @Get(':study/analyses/:analysis/maps')
  @RequirePermission('study:read')
  @Audited('study.read')
  async mapList(@Param('study') study: string, @Param('analysis') analysisId: string) {
    const analysis = await this.analysisOf(study, analysisId);
    const rows = await this.db.getRepository(ResultObjectEntity).find({ where: { analysisId: analysis.id, kind: 'pm' } });
    const maps = rows.map((row) => {
      const ds = readPart10(this.files.read(row.path), { untilTag: 'x7fe00008' });
      const rwvm = ds.sequence('SharedFunctionalGroupsSequence')[0]?.sequence('RealWorldValueMappingSequence')[0];
      return {
        SOPInstanceUID: row.SOPInstanceUID,
        InstanceNumber: ds.number('InstanceNumber') ?? null,
        label: rwvm?.string('LUTLabel') ?? ds.string('ContentLabel') ?? 'MAP',
        meaning: ds.string('ContentDescription') ?? '',
        unit: rwvm?.sequence('MeasurementUnitsCodeSequence')[0]?.string('CodeValue') ?? '',
      };
    });
    return { maps: maps.sort((a, b) => (a.InstanceNumber ?? 0) - (b.InstanceNumber ?? 0)) };
  }

  /** One Parametric Map of an analysis, frame by frame on its source images, as 255 levels over its display range. */
  @Get(':study/analyses/:analysis/maps/:sop')
  @RequirePermission('study:read')
  @Audited('study.read')
  async map(@Param('study') study: string, @Param('analysis') analysisId: string, @Param('sop') sop: string): Promise<ParametricMapOverlay> {
    const analysis = await this.analysisOf(study, analysisId);
    const row = await this.db.getRepository(ResultObjectEntity).findOneBy({ analysisId: analysis.id, kind: 'pm', SOPInstanceUID: sop });
    if (!row) throw new NotFoundException(`no map ${sop} of analysis ${analysisId}`);
    let map = this.maps.get(sop);
    if (!map) {
      map = Promise.resolve().then(() => parametricMapOverlay(readPart10(this.files.read(row.path))));
      map.catch(() => this.maps.delete(sop));
      this.maps.set(sop, map);
      while (this.maps.size > 16) this.maps.delete(this.maps.keys().next().value!);
    }
    return map.catch((error: unknown) => {
      throw error instanceof UnreadableParametricMapError ? new UnprocessableEntityException(error.message) : error;
    });
  }

  /** One decision on one finding: stored with the verified identity and the time, audited; the analysis stays as it is. */
  @Post(':study/analyses/:analysis/reviews')
  @RequirePermission('review:decide')
  @HttpCode(201)
  async decide(
    @Param('study') study: string,
    @Param('analysis') analysisId: string,
    @Body() body: unknown,
    @CurrentIdentity() identity: Identity,
    @Req() req: Request,
  ): Promise<StudyReviewItem> {
    const parsed = ReviewRequestSchema.safeParse(body);
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const analysis = await this.analysisOf(study, analysisId);
    const view = this.view(analysis);
    if (!view) throw new BadRequestException(`analysis ${analysisId} has no result to review (${analysis.status})`);
    const field = view.fields.find((f) => f.key === parsed.data.findingKey);
    if (!field)
      throw new BadRequestException(`findingKey: '${parsed.data.findingKey}' is not a finding of this analysis (${view.fields.map((f) => f.key).join(', ')})`);
    const comment = parsed.data.comment?.trim() || null;
    const row = await this.reviews.add({
      analysisId: analysis.id,
      StudyInstanceUID: study,
      SeriesInstanceUID: analysis.SeriesInstanceUID,
      kind: analysis.kind,
      analysisVersion: analysis.analysisVersion,
      modelId: analysis.modelId,
      modelVersion: analysis.modelVersion,
      findingKey: field.key,
      decision: parsed.data.decision,
      analysisValue: field.value,
      correction: parsed.data.decision === 'corrected' ? { unit: field.unit, ...parsed.data.correction } : null,
      comment,
      reviewer: identity.subject,
      reviewerName: identity.name,
    });
    const studyRow = await this.index.findStudy(study);
    await recordReviewDecision(this.security.audit, identity, clientAddress(req), {
      StudyInstanceUID: study,
      PatientID: studyRow?.PatientID,
      analysisId: analysis.id,
      decision: parsed.data.decision,
      comment: comment ?? undefined,
    });
    this.metrics.reviewDecisions.inc({
      model: analysis.modelId ?? analysis.kind,
      version: (analysis.modelId ? analysis.modelVersion : analysis.analysisVersion) ?? '',
      decision: parsed.data.decision,
    });
    const latest = latestRuns(await this.analyses.forStudy(study));
    return reviewItem(row, new Set(latest.map((a) => a.id)));
  }

  private async analysisOf(study: string, analysisId: string): Promise<AnalysisEntity> {
    const analysis = await this.analyses.findById(analysisId);
    if (!analysis || analysis.StudyInstanceUID !== study) throw new NotFoundException(`no analysis ${analysisId} of study ${study}`);
    return analysis;
  }

  private view(a: AnalysisEntity) {
    if (a.status !== 'succeeded' || !a.result) return null;
    try {
      return this.registry.find(a.kind)?.view(a.result as never) ?? null;
    } catch {
      return null;
    }
  }
}
