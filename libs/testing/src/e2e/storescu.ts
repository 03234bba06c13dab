import { spawn } from 'node:child_process';

export interface StorescuOptions {
  host?: string;
  port: number;
  calledAETitle: string;
  callingAETitle?: string;
  /** Part 10 files, sent in this order on one association */
  files: readonly string[];
  timeoutMs?: number;
}

export interface StorescuRun {
  /** performance.now() when storescu exited: the last instance was acknowledged and the association released */
  exitedAt: number;
  ms: number;
  stderr: string;
}

/** The storescu exit status was not 0. */
export class StorescuError extends Error {
  override name = 'StorescuError';
}

/**
 * Sends files with dcmtk's storescu on one association, TCP_NODELAY=1 (dcmtk holds PDUs back ~40 ms
 * otherwise). Resolves when storescu exits 0, i.e. every C-STORE was answered.
 */
export function storescu(options: StorescuOptions): Promise<StorescuRun> {
  const args = [
    '-aet',
    options.callingAETitle ?? 'STORESCU',
    '-aec',
    options.calledAETitle,
    options.host ?? '127.0.0.1',
    String(options.port),
    ...options.files,
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('storescu', args, { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const exitedAt = performance.now();
      clearTimeout(timer);
      if (code === 0 && !/^E:/m.test(stderr)) resolve({ exitedAt, ms: exitedAt - started, stderr });
      else reject(new StorescuError(`storescu exited ${code ?? signal}: ${stderr.slice(-1500)}`));
    });
  });
}
