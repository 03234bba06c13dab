import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from '../admin/audit.controller';
import { ConfigController } from '../admin/config.controller';
import { TokensController } from '../admin/tokens.controller';
import { SignInController } from '../sign-in/sign-in.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuthGuard } from './auth.guard';
import { HttpErrorsFilter } from './http-errors.filter';
import { RequestAuthenticator } from './request-authenticator';
import { SECURITY_OPTIONS, SecurityModuleOptions } from './security-module.options';

/**
 * Who may do what on the gateway: the guard on every route (APP_GUARD), the audit of reads (APP_INTERCEPTOR),
 * the error bodies (APP_FILTER), sign-in, and the admin routes (audit trail, configuration, API tokens).
 * Global: the alerts' acknowledge links use its RequestAuthenticator.
 */
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityModuleOptions): DynamicModule {
    return {
      module: SecurityModule,
      global: true,
      controllers: [SignInController, AuditController, ConfigController, TokensController],
      providers: [
        { provide: SECURITY_OPTIONS, useValue: options },
        { provide: RequestAuthenticator, useFactory: () => new RequestAuthenticator(options.security, options.logger, options.metrics) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_FILTER, useClass: HttpErrorsFilter },
      ],
      exports: [SECURITY_OPTIONS, RequestAuthenticator],
    };
  }
}
