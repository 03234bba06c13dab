import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

export interface StorescpHandle {
  port: number;
  aeTitle: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`storescp did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * dcmtk's storescp as a reference peer: bit-preserving (+B, the data set written exactly as received),
 * every transfer syntax it knows accepted (+xa; or only uncompressed ones, +xe; or only Implicit VR
 * Little Endian, +xi), files into `directory`.
 */
export async function startStorescp(
  directory: string,
  options: { accept?: 'all' | 'uncompressed' | 'implicit'; extraArgs?: string[] } = {},
): Promise<StorescpHandle> {
  const port = await freePort();
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
