import { BadRequestException, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource, In } from 'typeorm';
import { AnalysisRegistry } from '@nidus/analysis';
import { AnalysisEntity, AnalysisRepository, ResultObjectEntity, ReviewRepository, SeriesEntity, StudyEntity, StudyIndexRepository } from '@nidus/persistence';
import { Audited } from '../security/audited.decorator';
import { RequirePermission } from '../security/require-permission.decorator';
import {
  filterWorklist,
  latestRuns,
  orderWorklist,
  WORKLIST_STATUSES,
  WorklistAnalysis,
  WorklistFilter,
  WorklistRow,
  WorklistStatus,
  worklistRow,
} from './worklist';

const POLL_MS = 1000;

/** The radiologist's worklist: studies with their status and analyses, stat first then newest; live by SSE. */
@Controller('api/worklist')
@RequirePermission('study:read')
export class WorklistController {
  private readonly analyses: AnalysisRepository;
  private readonly reviews: ReviewRepository;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(StudyIndexRepository) private readonly index: StudyIndexRepository,
    @Inject(AnalysisRegistry) private readonly registry: AnalysisRegistry,
  ) {
    this.analyses = new AnalysisRepository(db);
    this.reviews = new ReviewRepository(db);
  }

  /** `status`, `modality`, `reviewed` (true/false), `stat` (true/false), `q` (name, ID, accession, description), `limit`. */
  @Get()
  @Audited('study.query')
  async list(@Query() query: Record<string, string | undefined>): Promise<{ studies: WorklistRow[] }> {
    const filter = this.filter(query);
    const limit = Math.min(Math.max(Number(query.limit ?? 200) || 200, 1), 1000);
    const studies = await this.index.listStudies(limit, 0);
    const rows = await this.rows(studies);
    return { studies: filterWorklist(orderWorklist(rows), filter) };
  }

  /** Server-Sent Events: `worklist.changed` whenever an image, an analysis state or a review changes the list. */
  @Get('stream')
  async stream(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    let last = await this.fingerprint();
    let ticks = 0;
    const timer = setInterval(async () => {
      try {
        const now = await this.fingerprint();
        if (now !== last) {
          last = now;
          res.write(`event: worklist.changed\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
        } else if (++ticks % 15 === 0) res.write(': keep-alive\n\n');
      } catch {
        // the database is away for a moment: try at the next tick
      }
    }, POLL_MS);
    req.on('close', () => clearInterval(timer));
  }

  private filter(q: Record<string, string | undefined>): WorklistFilter {
    const bool = (name: string, v: string | undefined) => {
      if (v === undefined || v === '') return undefined;
      if (v !== 'true' && v !== 'false') throw new BadRequestException(`${name}: true or false, not '${v.slice(0, 16)}'`);
      return v === 'true';
    };
    if (q.status && !WORKLIST_STATUSES.includes(q.status as WorklistStatus)) throw new BadRequestException(`status: one of ${WORKLIST_STATUSES.join(', ')}`);
    return {
      status: (q.status || undefined) as WorklistStatus | undefined,
      modality: q.modality || undefined,
      reviewed: bool('reviewed', q.reviewed),
      stat: bool('stat', q.stat),
      text: q.q || undefined,
    };
  }

  private async rows(studies: StudyEntity[]): Promise<WorklistRow[]> {
    if (!studies.length) return [];
    const uids = studies.map((s) => s.StudyInstanceUID);
    const [series, analyses, reviewed] = await Promise.all([
      this.db.getRepository(SeriesEntity).find({ where: { StudyInstanceUID: In(uids) } }),
      this.db.getRepository(AnalysisEntity).find({ where: { StudyInstanceUID: In(uids) }, order: { queuedAt: 'ASC' } }),
      this.reviews.reviewedStudies(uids),
    ]);
    const resultSeries = new Set(
      analyses.length
        ? (
            await this.db.getRepository(ResultObjectEntity).find({ where: { analysisId: In(analyses.map((a) => a.id)) }, select: { SeriesInstanceUID: true } })
          ).map((o) => o.SeriesInstanceUID)
        : [],
    );
    return studies.map((study) => {
      const mine = analyses.filter((a) => a.StudyInstanceUID === study.StudyInstanceUID);
      const latest = latestRuns(mine);
      return worklistRow(
        study,
        series.filter((s) => s.StudyInstanceUID === study.StudyInstanceUID && !resultSeries.has(s.SeriesInstanceUID)),
        latest.map((a) => this.analysis(a)),
        latest,
        reviewed.has(study.StudyInstanceUID),
      );
    });
  }

  private analysis(a: AnalysisEntity): WorklistAnalysis {
    const installed = this.registry.find(a.kind);
    let headline: string | null = a.status === 'failed' ? a.error : null;
    if (a.status === 'succeeded' && a.result && installed) {
      try {
        headline = installed.view(a.result as never).summary;
      } catch {
        headline = null;
      }
    }
    return {
      id: a.id,
      kind: a.kind,
      title: installed?.title ?? a.kind,
      status: a.status,
      priority: a.priority,
      headline,
      error: a.error,
      queuedAt: a.queuedAt.toISOString(),
      finishedAt: a.finishedAt?.toISOString() ?? null,
    };
  }

  private async fingerprint(): Promise<string> {
    const [study] = await this.db.getRepository(StudyEntity).find({ order: { lastReceivedAt: 'DESC' }, take: 1 });
    const states = await this.db
      .getRepository(AnalysisEntity)
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('a.status')
      .getRawMany<{ status: string; n: string }>();
    const receiving = await this.db.getRepository(SeriesEntity).countBy({ state: 'receiving' });
    return JSON.stringify([study?.lastReceivedAt?.getTime() ?? 0, states.map((s) => `${s.status}:${s.n}`).sort(), receiving, await this.reviews.count()]);
  }
}
