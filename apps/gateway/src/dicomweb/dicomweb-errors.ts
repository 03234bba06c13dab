import type { Request, Response } from 'express';
import { DicomError, UnsupportedTransferSyntaxError } from '@nidus/dicom';
import { CodecLoadError, DecoderNotLoadedError, MissingPixelDataError } from '@nidus/imaging';
import { StowRequestError } from '@nidus/ingest';
import { WadoError } from './wado.service';

/** The DICOMweb root URL as the client reached it, for RetrieveURL and BulkDataURI. */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host')}/dicomweb`;
}

/**
 * What a stored file made impossible, as an HTTP status: a transfer syntax Nidus cannot decode into the
 * representation asked for is 406 (PS3.18 8.7.5); no Pixel Data is 404; any other fault of the sender's bytes
 * (damaged codestream, inconsistent Image Pixel module, truncated data) is 422. A codec of ours that failed to
 * load is our fault: undefined, a 500.
 */
export function storedDataStatus(error: unknown): number | undefined {
  if (error instanceof CodecLoadError || error instanceof DecoderNotLoadedError) return undefined;
  if (error instanceof UnsupportedTransferSyntaxError) return 406;
  if (error instanceof MissingPixelDataError) return 404;
  if (error instanceof DicomError) return 422;
  return undefined;
}

/**
 * Request-level failures to HTTP (PS3.18 8.7.5): the status, and the reason in a Warning header
 * (299) and a small JSON body. Anything else is a 500, logged by the caller.
 */
export function sendError(res: Response, error: unknown): boolean {
  const status = error instanceof StowRequestError || error instanceof WadoError ? error.httpStatus : storedDataStatus(error);
  if (status === undefined) return false;
  const reason = error as Error;
  if (res.headersSent) {
    res.destroy(reason);
    return true;
  }
  res.status(status);
  res.setHeader('Warning', `299 nidus "${reason.message.replace(/["\r\n]/g, "'").replace(/[^\x20-\x7e]/g, '?')}"`);
  res.json({ error: reason.message });
  return true;
}
