import type { Request, Response } from 'express';
import { StowRequestError } from '@nidus/ingest';
import { WadoError } from './wado.service';

/** The DICOMweb root URL as the client reached it, for RetrieveURL and BulkDataURI. */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host')}/dicomweb`;
}

/**
 * Request-level failures to HTTP (PS3.18 8.7.5): the status, and the reason in a Warning header
 * (299) and a small JSON body. Anything else is a 500, logged by the caller.
 */
export function sendError(res: Response, error: unknown): boolean {
  if (!(error instanceof StowRequestError || error instanceof WadoError)) return false;
  if (res.headersSent) {
    res.destroy(error);
    return true;
  }
  res.status(error.httpStatus);
  res.setHeader('Warning', `299 nidus "${error.message.replace(/["\r\n]/g, "'")}"`);
  res.json({ error: error.message });
  return true;
}
