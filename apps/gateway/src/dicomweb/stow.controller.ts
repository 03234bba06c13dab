import { Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@nidus/observability';
import { NIDUS_LOGGER } from '@nidus/runtime';
import { baseUrlOf, sendError } from './dicomweb-errors';
import { StowIngestService } from '@nidus/ingest';
import { RequirePermission } from '../security/require-permission.decorator';
import { Audited } from '../security/audited.decorator';

/** STOW-RS (PS3.18 10.5): POST /dicomweb/studies and /dicomweb/studies/{StudyInstanceUID}. */
@Controller('dicomweb/studies')
@RequirePermission('study:store')
export class StowController {
  constructor(
    @Inject(StowIngestService) private readonly stow: StowIngestService,
    @Inject(NIDUS_LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @Audited('study.store')
  storeAny(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.handle(req, res);
  }

  @Post(':study')
  @Audited('study.store')
  storeInStudy(@Param('study') study: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.handle(req, res, study);
  }

  private async handle(req: Request, res: Response, study?: string): Promise<void> {
    try {
      const result = await this.stow.store(req, baseUrlOf(req), study);
      res.status(result.httpStatus);
      res.setHeader('Content-Type', 'application/dicom+json');
      // one Warning per failure, bounded (PS3.18 8.7.5)
      if (result.reasons.length)
        res.setHeader(
          'Warning',
          result.reasons.slice(0, 20).map((r) => `299 nidus "${r.replace(/["\r\n]/g, "'").slice(0, 200)}"`),
        );
      res.send(JSON.stringify(result.body));
    } catch (error) {
      // drain what the client still sends, so it reads our answer rather than a reset
      req.resume();
      if (sendError(res, error)) return;
      this.logger.error({ err: { message: (error as Error).message } }, 'STOW-RS failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    }
  }
}
