import { spawn } from 'node:child_process';
import { freePort, waitForPort } from '../net/free-port';

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: gone at once, with nothing saved */
  kill(): Promise<void>;
  /** a new, empty Redis on the same port (as one restarted without its data) */
  restartEmpty(): Promise<void>;
}

/** A redis-server of its own on a free loopback port, holding nothing on disk: for tests of Redis going away. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ReturnType<typeof spawn> | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  process.once('exit', () => child?.kill('SIGKILL'));
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restartEmpty: async () => {
      await kill();
      await start();
    },
  };
}
