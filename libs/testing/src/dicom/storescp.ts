import { spawn } from 'node:child_process';
import { freePort, waitForPort } from '../net/free-port';

export interface StorescpHandle {
  port: number;
  aeTitle: string;
  stop(): Promise<void>;
}

/**
 * dcmtk's storescp as a reference peer: bit-preserving (+B, the data set written exactly as received),
 * every transfer syntax it knows accepted (+xa; or only uncompressed ones, +xe; or only Implicit VR
 * Little Endian, +xi), files into `directory`.
 */
export async function startStorescp(
  directory: string,
  options: {
    accept?: 'all' | 'uncompressed' | 'implicit';
    extraArgs?: string[];
    /** listen here (a peer that comes back); default a free port */ port?: number;
  } = {},
): Promise<StorescpHandle> {
  const port = options.port ?? (await freePort());
  const aeTitle = 'STORESCP';
  const child = spawn(
    'storescp',
    [
      '+B',
      { all: '+xa', uncompressed: '+xe', implicit: '+xi' }[options.accept ?? 'all'],
      '-aet',
      aeTitle,
      '-od',
      directory,
      ...(options.extraArgs ?? []),
      String(port),
    ],
    {
      env: { ...process.env, TCP_NODELAY: '1' },
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, 10_000);
  return {
    port,
    aeTitle,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
