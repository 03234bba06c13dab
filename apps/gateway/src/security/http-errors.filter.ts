import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { SECURITY_OPTIONS, SecurityModuleOptions } from './security-module.options';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error of a library Nest did not map (body-parser's): a 4xx it means to show, by its own flag. */
function exposed(error: unknown): { status: number; message: string } | undefined {
  const e = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) return { status: e.status, message: String(e.message) };
  return undefined;
}

/**
 * The gateway's last word on errors (APP_FILTER): HTTP errors as `{ statusCode, error, message }` (401 bare),
 * anything else as a 500 with no detail. Stack traces, paths and SQL go to the log only, never to a body.
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  constructor(@Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let message: string | undefined;
    if (error instanceof HttpException) {
      status = error.getStatus();
      const body = error.getResponse();
      const text = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      message = Array.isArray(text) ? text.join('; ') : typeof text === 'string' ? text : undefined;
    } else if (exposed(error)) {
      ({ status, message } = exposed(error)!);
    } else {
      const e = error as Error;
      this.options.logger.error({ err: { type: e?.name, message: e?.message, stack: e?.stack } }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const reason = REASONS[status] ?? (status < 500 ? 'Client Error' : 'Server Error');
    // 401 says nothing of why: which check failed is for the log and the audit trail
    const body =
      status === 401 || status === 500 || !message || message === reason
        ? { statusCode: status, error: reason }
        : { statusCode: status, error: reason, message };
    res.status(status).json(body);
  }
}
