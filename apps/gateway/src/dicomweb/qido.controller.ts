import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { DicomJson } from '@nidus/dicom-net';
import { admits, parseAccept } from './accept';
import { baseUrlOf } from './dicomweb-errors';
import { instanceJson, seriesJson, studyJson } from './dicomweb-json';
import { DICOMWEB_OPTIONS, DicomWebOptions } from './dicomweb.options';
import { DicomWebQueryRepository, Page, QueryParams } from './dicomweb-query.repository';
import { includeFields, InvalidIncludeFieldError, parseIncludeFields, QueryLevel } from './include-fields';
import { InstanceHeaderReader } from './instance-header.reader';
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
    @Inject(InstanceHeaderReader) private readonly headers: InstanceHeaderReader,
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
    const results = studies.map((s) =>
      studyJson(
        s,
        series.filter((x) => x.StudyInstanceUID === s.StudyInstanceUID),
        base,
      ),
    );
    this.send(res, await this.included(req, res, 'study', results, 'StudyInstanceUID'));
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
    const results = (await this.query.searchSeries(params, page, study)).map((s) => seriesJson(s, base));
    this.send(res, await this.included(req, res, 'series', results, 'SeriesInstanceUID'));
  }

  private async instances(scope: { StudyInstanceUID?: string; SeriesInstanceUID?: string }, params: QueryParams, req: Request, res: Response): Promise<void> {
    if (!this.acceptable(req, res)) return;
    const page = this.page(params, res);
    if (!page) return;
    const base = baseUrlOf(req);
    const instances = await this.query.searchInstances(params, page, scope);
    const results = instances.map((i) => instanceJson(i, base));
    this.send(res, await this.included(req, res, 'instance', results, 'SOPInstanceUID', new Map(instances.map((i) => [i.SOPInstanceUID, i]))));
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

  /** QIDO-RS includefield (PS3.18 8.3.4.3): the asked attributes from a header of the level; undefined after a 400. */
  private async included(
    req: Request,
    res: Response,
    level: QueryLevel,
    results: DicomJson[],
    key: 'StudyInstanceUID' | 'SeriesInstanceUID' | 'SOPInstanceUID',
    known?: Map<string, { path: string }>,
  ): Promise<DicomJson[]> {
    let fields;
    try {
      fields = parseIncludeFields(req.query.includefield as string | string[] | undefined);
    } catch (error) {
      if (!(error instanceof InvalidIncludeFieldError)) throw error;
      res.status(400).json({ error: error.message });
      return [];
    }
    if (!fields || !results.length) return results;
    const tag = { StudyInstanceUID: '0020000D', SeriesInstanceUID: '0020000E', SOPInstanceUID: '00080018' }[key];
    const uidOf = (r: DicomJson) => String(r[tag]?.Value?.[0] ?? '');
    const instances = known ?? (await this.query.firstInstances(key as 'StudyInstanceUID' | 'SeriesInstanceUID', results.map(uidOf)));
    return Promise.all(
      results.map(async (r) => {
        const instance = instances.get(uidOf(r));
        const header = instance ? await this.headers.json(instance).catch(() => undefined) : undefined;
        return includeFields(r, header, level, fields);
      }),
    );
  }

  private acceptable(req: Request, res: Response): boolean {
    if (parseAccept(req.get('accept')).some((r) => admits(r, 'application/dicom+json') || r.type === 'application/json')) return true;
    res.status(406).json({ error: 'search results are application/dicom+json' });
    return false;
  }

  private send(res: Response, results: DicomJson[]): void {
    if (res.headersSent) return; // refused already (includefield)
    res.status(200).setHeader('Content-Type', 'application/dicom+json');
    res.send(JSON.stringify(results));
  }
}
