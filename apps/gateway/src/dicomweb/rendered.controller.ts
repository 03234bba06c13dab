import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@nidus/observability';
import type { InstanceEntity } from '@nidus/persistence';
import { NIDUS_LOGGER } from '@nidus/runtime';
import { sendError } from './dicomweb-errors';
import { DicomWebQueryRepository } from './dicomweb-query.repository';
import { BulkDataService } from './bulk-data.service';
import { RenderedService } from './rendered.service';
import { RequirePermission } from '../security/require-permission.decorator';
import { Audited } from '../security/audited.decorator';

type RenderQuery = { window?: string; quality?: string; viewport?: string };

/**
 * WADO-RS rendered resources (PS3.18 10.4.1.1.4), thumbnails (10.4.1.1.5) and bulk data (10.4.1.1.6): what OHIF
 * and other DICOMweb viewers ask besides instances, metadata and frames.
 */
@Controller('dicomweb/studies')
@RequirePermission('study:read')
export class RenderedController {
  constructor(
    @Inject(DicomWebQueryRepository) private readonly query: DicomWebQueryRepository,
    @Inject(RenderedService) private readonly rendered: RenderedService,
    @Inject(BulkDataService) private readonly bulk: BulkDataService,
    @Inject(NIDUS_LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':study/series/:series/instances/:instance/rendered')
  @Audited('study.read')
  instanceRendered(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Query() q: RenderQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.image(res, async () => this.rendered.render((await this.query.instances(study, series, instance))[0], 1, { ...q, accept: req.get('accept') }));
  }

  @Get(':study/series/:series/instances/:instance/frames/:frames/rendered')
  @Audited('study.read')
  frameRendered(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Param('frames') frames: string,
    @Query() q: RenderQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // a single image is answered for the first frame of a list (PS3.18 10.4.1.1.4: one frame per rendered image)
    const frame = Number(frames.split(',')[0]);
    return this.image(res, async () =>
      this.rendered.render((await this.query.instances(study, series, instance))[0], frame, { ...q, accept: req.get('accept') }),
    );
  }

  @Get(':study/thumbnail')
  @Audited('study.read')
  studyThumbnail(@Param('study') study: string, @Query() q: RenderQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.image(res, async () => this.rendered.thumbnail(middleImage(await this.query.instances(study)), { ...q, accept: req.get('accept') }));
  }

  @Get(':study/series/:series/thumbnail')
  @Audited('study.read')
  seriesThumbnail(@Param('study') study: string, @Param('series') series: string, @Query() q: RenderQuery, @Req() req: Request, @Res() res: Response) {
    return this.image(res, async () => this.rendered.thumbnail(middleImage(await this.query.instances(study, series)), { ...q, accept: req.get('accept') }));
  }

  @Get(':study/series/:series/instances/:instance/thumbnail')
  @Audited('study.read')
  instanceThumbnail(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Query() q: RenderQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.image(res, async () => this.rendered.thumbnail((await this.query.instances(study, series, instance))[0], { ...q, accept: req.get('accept') }));
  }

  @Get(':study/series/:series/instances/:instance/bulkdata/:tag')
  @Audited('study.read')
  bulkData(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Param('tag') tag: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.guard(res, async () => this.bulk.send((await this.query.instances(study, series, instance))[0], tag, req.get('accept'), res));
  }

  private image(res: Response, work: () => Promise<{ body: Buffer; mediaType: string }>): Promise<void> {
    return this.guard(res, async () => {
      const { body, mediaType } = await work();
      res.status(200).set({ 'Content-Type': mediaType, 'Content-Length': String(body.length), 'Cache-Control': 'private, max-age=3600' });
      res.end(body);
    });
  }

  private async guard(res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (sendError(res, error)) return;
      this.logger.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'WADO-RS rendered failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      else res.destroy();
    }
  }
}

/** The image in the middle of a series (or a study's first series): what a thumbnail shows. */
function middleImage(instances: InstanceEntity[]): InstanceEntity | undefined {
  if (!instances.length) return undefined;
  const series = instances.filter((i) => i.SeriesInstanceUID === instances[0].SeriesInstanceUID);
  return series[Math.floor((series.length - 1) / 2)];
}
