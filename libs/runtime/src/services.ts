import { applicationActor, AuditObject } from '@nidus/auth';
import { loadConfig } from '@nidus/config';
import { AppContext, closeAppContext, openAppContext } from './app-context';
import { onShutdown, ShutdownStep } from './shutdown';

/** One side of Nidus that runs on an app context: the gateway (HTTP, DIMSE listener) or a worker (the queues). */
export interface NidusService {
  name: string;
  start(context: AppContext): Promise<{ close: () => Promise<void> }>;
}

/**
 * Runs services in one process on one app context: `nidus gateway`, `nidus worker`, and `nidus serve` (both, the
 * one-machine way). SIGTERM stops them in order (stop taking work, let in-flight work finish), then the context.
 */
export async function runServices(services: readonly NidusService[], env: Record<string, string | undefined>): Promise<AppContext> {
  const config = loadConfig(env);
  const context = await openAppContext(config);
  // PS3.15 A.5.3.1: the application started, with this configuration (where it came from; never its secrets)
  await context.security.audit.record('config.load', {
    actor: applicationActor(context.security.audit.source),
    objects: [AuditObject.configuration(config.configFile ?? 'environment', { services: services.map((s) => s.name).join(',') })],
  });
  const steps: ShutdownStep[] = [];
  for (const service of services) {
    const running = await service.start(context);
    steps.push({ name: service.name, run: running.close });
  }
  steps.push({ name: 'connections', run: () => closeAppContext(context) });
  onShutdown(steps, context.logger);
  context.logger.info(
    { services: services.map((s) => s.name), analyses: context.analyses.registry.ids(), dataDir: config.dataDir, database: config.database.type },
    'nidus started',
  );
  return context;
}
