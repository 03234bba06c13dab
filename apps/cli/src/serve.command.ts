import { loadConfig } from '@nidus/config';
import { closeAppContext, createJobHandlers, onShutdown, openAppContext, ShutdownStep } from '@nidus/pipeline';
import { startGateway } from '../../gateway/src/gateway';
import { startWorker } from '../../worker/src/worker';

export type Role = 'all' | 'gateway' | 'worker';

/**
 * `nidus serve`: gateway and worker in one process (one machine). `nidus gateway` / `nidus worker` run
 * one side each, so many workers can share one Redis and one PostgreSQL.
 */
export async function serve(role: Role, env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfig(env);
  const context = await openAppContext(config);
  const steps: ShutdownStep[] = [];
  if (role !== 'worker') {
    const gateway = await startGateway(context);
    steps.push({ name: 'http', run: gateway.close });
  }
  if (role !== 'gateway') {
    const { handlers, close } = createJobHandlers(context);
    const worker = await startWorker(context, handlers);
    steps.push({ name: 'worker', run: worker.close });
    steps.push({ name: 'inference', run: close });
  }
  steps.push({ name: 'connections', run: () => closeAppContext(context) });
  onShutdown(steps, context.logger);
  context.logger.info({ role, dataDir: config.dataDir, database: config.database.type }, 'nidus started');
}
