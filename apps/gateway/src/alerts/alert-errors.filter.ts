import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AlertAlreadyAcknowledgedError, AlertNotFoundError } from '@nidus/delivery';

/** Alert errors to HTTP, in one place: unknown alert 404, acknowledged already 409 (with who and when). */
@Catch(AlertNotFoundError, AlertAlreadyAcknowledgedError)
export class AlertErrorsFilter implements ExceptionFilter {
  catch(error: AlertNotFoundError | AlertAlreadyAcknowledgedError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof AlertNotFoundError) {
      res.status(404).json({ statusCode: 404, error: 'Not Found', message: error.message });
      return;
    }
    res.status(409).json({
      statusCode: 409,
      error: 'Conflict',
      message: error.message,
      acknowledgedBy: error.by,
      acknowledgedAt: error.at?.toISOString() ?? null,
    });
  }
}
