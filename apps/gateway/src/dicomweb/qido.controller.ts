import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { DicomJson } from '@nidus/dicom-net';
import { admits, parseAccept } from './accept';
import { baseUrlOf } from './dicomweb-errors';
import { instanceJson, seriesJson, studyJson } from './dicomweb-json';
import { DICOMWEB_OPTIONS, DicomWebOptions } from './dicomweb.options';
import { DicomWebQueryRepository, Page, QueryParams } from './dicomweb-query.repository';
import { RequirePermission } from '../security/require-permission.decorator';
import { Audited } from '../security/audited.decorator';

/** The furthest page a QIDO-RS search may ask for. */
export const MAX_QIDO_OFFSET = 1_000_000;
/** QIDO-RS (PS3.18 10.6): search studies, series and instances by the common keys. */
@Controller('dicomweb')
@RequirePermission('study:read')
export class QidoController {
  constructor(
    @Inject(DicomWebQueryRepository) private readonly query: DicomWebQueryRepository,
    @Inject(DICOMWEB_OPTIONS) private readonly options: DicomWebOptions,
  ) {}

  @Get('studies')
  @Audited('study.query')
  async studies(@Query() params: QueryParams, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.acceptable(req, res)) return;
    const page = this.page(params, res);
    if (!page) return;
    const studies = await this.query.searchStudies(params, page);
    const series = await this.query.seriesOfStudies(studies.map((s) => s.StudyInstanceUID));
    const base = baseUrlOf(req);
    this.send(
      res,
      studies.map((s) =>
        studyJson(
          s,
          series.filter((x) => x.StudyInstanceUID === s.StudyInstanceUID),
          base,
        ),
      ),
    );
  }

  @Get('series')
  @Audited('study.query')
  async allSeries(@Query() params: QueryParams, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.series(undefined, params, req, res);
  }

  @Get('studies/:study/series')
  @Audited('study.query')
  async studySeries(@Param('study') study: string, @Query() params: QueryParams, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.series(study, params, req, res);
  }

  @Get('instances')
  @Audited('study.query')
  async allInstances(@Query() params: QueryParams, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.instances({}, params, req, res);
  }

  @Get('studies/:study/instances')
  @Audited('study.query')
  async studyInstances(@Param('study') study: string, @Query() params: QueryParams, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.instances({ StudyInstanceUID: study }, params, req, res);
  }

  @Get('studies/:study/series/:series/instances')
  @Audited('study.query')
  async seriesInstances(
    @Param('study') study: string,
    @Param('series') series: string,
    @Query() params: QueryParams,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.instances({ StudyInstanceUID: study, SeriesInstanceUID: series }, params, req, res);
  }

  private async series(study: string | undefined, params: QueryParams, req: Request, res: Response): Promise<void> {
    if (!this.acceptable(req, res)) return;
    const page = this.page(params, res);
    if (!page) return;
    const base = baseUrlOf(req);
    this.send(
      res,
      (await this.query.searchSeries(params, page, study)).map((s) => seriesJson(s, base)),
    );
  }

  private async instances(scope: { StudyInstanceUID?: string; SeriesInstanceUID?: string }, params: QueryParams, req: Request, res: Response): Promise<void> {
    if (!this.acceptable(req, res)) return;
    const page = this.page(params, res);
    if (!page) return;
    const base = baseUrlOf(req);
    this.send(
      res,
      (await this.query.searchInstances(params, page, scope)).map((i) => instanceJson(i, base)),
    );
  }

  /** limit and offset (PS3.18 8.3.4.4); a limit over the maximum is cut, with a Warning. */
  private page(params: QueryParams, res: Response): Page | undefined {
    const whole = (v: unknown) => (typeof v === 'string' && /^\d{1,15}$/.test(v.trim()) ? Number(v) : NaN);
    const limit = params.limit === undefined ? this.options.defaultLimit : whole(params.limit);
    const offset = params.offset === undefined ? 0 : whole(params.offset);
    // offset bounded too (1e20 is a whole number, but no database skips that many rows): 400, not 500
    if (!Number.isSafeInteger(limit) || !Number.isSafeInteger(offset) || offset > MAX_QIDO_OFFSET) {
      res.status(400).json({ error: `limit and offset must be whole numbers >= 0, offset at most ${MAX_QIDO_OFFSET}` });
      return undefined;
    }
    if (limit > this.options.maxLimit) res.setHeader('Warning', `299 nidus "limit cut to ${this.options.maxLimit}"`);
    return { limit: Math.min(limit, this.options.maxLimit), offset };
  }

  private acceptable(req: Request, res: Response): boolean {
    if (parseAccept(req.get('accept')).some((r) => admits(r, 'application/dicom+json') || r.type === 'application/json')) return true;
    res.status(406).json({ error: 'search results are application/dicom+json' });
    return false;
  }

  private send(res: Response, results: DicomJson[]): void {
    res.status(200).setHeader('Content-Type', 'application/dicom+json');
    res.send(JSON.stringify(results));
  }
}
