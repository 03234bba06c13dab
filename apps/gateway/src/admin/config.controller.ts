import { Controller, Get, Header, Inject } from '@nestjs/common';
import { redact } from '@nidus/auth';
import { Audited } from '../security/audited.decorator';
import { RequirePermission } from '../security/require-permission.decorator';
import { SECURITY_OPTIONS, SecurityModuleOptions } from '../security/security-module.options';

/** The configuration in effect, for admins: every secret [redacted] (references stay: they are not the secret). */
@Controller('api/config')
export class ConfigController {
  constructor(@Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions) {}

  @Get()
  @RequirePermission('config:view')
  @Audited('config.view')
  @Header('Cache-Control', 'no-store')
  view(): unknown {
    return redact(this.options.config);
  }
}
