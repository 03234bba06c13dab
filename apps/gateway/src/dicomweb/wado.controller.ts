import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@nidus/observability';
import { NIDUS_LOGGER } from '@nidus/runtime';
import { baseUrlOf, sendError, storedDataStatus } from './dicomweb-errors';
import { DicomWebQueryRepository } from './dicomweb-query.repository';
import { WadoService } from './wado.service';
import { RequirePermission } from '../security/require-permission.decorator';
import { Audited } from '../security/audited.decorator';

/** WADO-RS (PS3.18 10.4): instances, metadata and frames. */
@Controller('dicomweb/studies')
@RequirePermission('study:read')
export class WadoController {
  constructor(
    @Inject(DicomWebQueryRepository) private readonly query: DicomWebQueryRepository,
    @Inject(WadoService) private readonly wado: WadoService,
    @Inject(NIDUS_LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':study')
  @Audited('study.read')
  study(@Param('study') study: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.guard(res, async () => this.wado.retrieve(await this.query.instances(study), req.get('accept'), res));
  }

  @Get(':study/metadata')
  @Audited('study.read')
  studyMetadata(@Param('study') study: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.guard(res, async () => this.json(res, await this.wado.metadata(await this.query.instances(study), req.get('accept'), baseUrlOf(req))));
  }

  @Get(':study/series/:series')
  @Audited('study.read')
  series(@Param('study') study: string, @Param('series') series: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.guard(res, async () => this.wado.retrieve(await this.query.instances(study, series), req.get('accept'), res));
  }

  @Get(':study/series/:series/metadata')
  @Audited('study.read')
  seriesMetadata(@Param('study') study: string, @Param('series') series: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.guard(res, async () => this.json(res, await this.wado.metadata(await this.query.instances(study, series), req.get('accept'), baseUrlOf(req))));
  }

  @Get(':study/series/:series/instances/:instance')
  @Audited('study.read')
  instance(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.guard(res, async () => this.wado.retrieve(await this.query.instances(study, series, instance), req.get('accept'), res));
  }

  @Get(':study/series/:series/instances/:instance/metadata')
  @Audited('study.read')
  instanceMetadata(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.guard(res, async () =>
      this.json(res, await this.wado.metadata(await this.query.instances(study, series, instance), req.get('accept'), baseUrlOf(req))),
    );
  }

  @Get(':study/series/:series/instances/:instance/frames/:frames')
  @Audited('study.read')
  frames(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Param('frames') frames: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.guard(res, async () => this.wado.frames((await this.query.instances(study, series, instance))[0], frames, req.get('accept'), res));
  }

  private json(res: Response, body: unknown): void {
    res.status(200).setHeader('Content-Type', 'application/dicom+json');
    res.send(JSON.stringify(body));
  }

  private async guard(res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (sendError(res, error)) {
        if (storedDataStatus(error))
          this.logger.warn({ err: { name: (error as Error).name, message: (error as Error).message } }, 'WADO-RS: the stored data cannot be served as asked');
        return;
      }
      this.logger.error({ err: { message: (error as Error).message } }, 'WADO-RS failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      else res.destroy();
    }
  }
}
