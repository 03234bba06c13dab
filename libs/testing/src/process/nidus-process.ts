import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { dirname, join } from 'node:path';
import { freePort } from '../net/free-port';

/** The folder holding package.json, whether this runs from source or from dist/. */
function projectRoot(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'nidus.js'))) return dir;
  }
  throw new Error(`no Nidus project above ${from}`);
}

export const PROJECT_ROOT = projectRoot(__dirname);
export const NIDUS_BIN = join(PROJECT_ROOT, 'bin', 'nidus.js');

/** The CLI runs from dist/: the test command builds first; fail clearly if someone skipped it. */
export function assertBuilt(): void {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  }
}

/** Runs `nidus <args>` to completion. */
export function runNidus(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  assertBuilt();
  const r = spawnSync(process.execPath, [NIDUS_BIN, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `nidus <args>` without blocking the event loop (a server's output keeps flowing meanwhile). */
export function runNidusAsync(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [NIDUS_BIN, ...args],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Roles of API tokens (libs/auth ROLES). */
export type TokenRole = 'admin' | 'radiologist' | 'stroke' | 'integration' | 'viewer';

/** Creates an API token as an administrator would, `nidus tokens create`, against the database of `env`. */
export async function createApiToken(env: Record<string, string>, role: TokenRole, name = `e2e ${role}`): Promise<{ id: string; token: string }> {
  const r = await runNidusAsync(['tokens', 'create', '--name', name, '--role', role, '--json'], env);
  if (r.status !== 0) throw new Error(`nidus tokens create failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { id: string; token: string };
}

export interface NidusServer {
  process: ChildProcess;
  url: string;
  dicomPort: number;
  /** an API token of the role (made once per role with `nidus tokens create`, as an administrator would) */
  token: (role: TokenRole) => Promise<string>;
  /** the environment it runs with (for `nidus tokens` against the same database) */
  env: Record<string, string>;
  stderr: () => string;
  /** SIGTERM and wait; resolves to the exit code and how long it took */
  stop: () => Promise<{ code: number | null; ms: number }>;
}

/** Whether an HTTPS server answers /health/live (its certificate is the test's own business, not the probe's). */
function httpsLive(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsGet(`${url}/health/live`, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
  });
}

/** Starts `nidus serve` (or gateway/worker) and waits until /health answers (over HTTPS when `https`: http.tls is configured). */
export async function startNidus(
  env: Record<string, string>,
  role: 'serve' | 'gateway' | 'worker' = 'serve',
  options: { https?: boolean; /** default 30 s */ startTimeoutMs?: number } = {},
): Promise<NidusServer> {
  assertBuilt();
  const port = Number(env.HTTP_PORT ?? (await freePort()));
  const dicomPort = env.DICOM_PORT ?? String(await freePort());
  const childEnv = { HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', DICOM_PORT: dicomPort, LOG_LEVEL: 'info', ...env };
  const child = spawn(process.execPath, [NIDUS_BIN, role], {
    env: { PATH: process.env.PATH, ...childEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', () => undefined);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nidus ${role} exited with ${child.exitCode}: ${stderr}`);
    if (role !== 'worker') {
      const ok = options.https
        ? await httpsLive(url)
        : await fetch(`${url}/health/live`).then(
            (r) => r.ok,
            () => false,
          );
      if (ok) break;
    } else if (stderr.includes('worker consuming queues')) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nidus ${role} did not start within ${startTimeoutMs / 1000} s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const tokens = new Map<TokenRole, Promise<string>>();
  return {
    process: child,
    url,
    dicomPort: Number(dicomPort),
    env: childEnv,
    token: (tokenRole) => {
      if (!tokens.has(tokenRole))
        tokens.set(
          tokenRole,
          createApiToken(childEnv, tokenRole).then((t) => t.token),
        );
      return tokens.get(tokenRole)!;
    },
    stderr: () => stderr,
    stop: async () => {
      const started = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}
