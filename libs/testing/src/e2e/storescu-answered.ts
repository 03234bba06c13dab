import { spawn } from 'node:child_process';
import type { StorescuOptions } from './storescu';

export interface StorescuAnsweredRun {
  /** the files answered Success, in the order sent */
  answered: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Sends files with `storescu -v` (TCP_NODELAY=1) and follows which were answered Success; `onAnswered` is called
 * after each, with the count so far (e.g. to kill the receiver once N are in). Resolves when storescu exits,
 * whatever its status.
 */
export function storescuAnswered(options: StorescuOptions & { onAnswered?: (count: number) => void }): Promise<StorescuAnsweredRun> {
  const args = ['-v', '-aet', options.callingAETitle ?? 'STORESCU', '-aec', options.calledAETitle, options.host ?? '127.0.0.1', String(options.port)];
  return new Promise((resolve, reject) => {
    const child = spawn('storescu', [...args, ...options.files], { env: { ...process.env, TCP_NODELAY: '1' } });
    const answered: string[] = [];
    let log = '';
    let current = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const lines = log.split('\n');
      log = lines.pop()!;
      for (const line of lines) {
        const sending = /Sending file: (.+)$/.exec(line);
        if (sending) current = sending[1].trim();
        if (/Received Store Response \(Success\)/.test(line) && !answered.includes(current)) {
          answered.push(current);
          options.onAnswered?.(answered.length);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ answered, code, signal });
    });
  });
}
