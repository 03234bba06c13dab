import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net/free-port';

/**
 * A real Orthanc (Debian's package) for medium tests: the PACS that sends to Nidus and receives its results.
 * Each call starts a private Orthanc on free loopback ports with its own storage, and `stop()` removes it all.
 */

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
const DICOMWEB_PLUGIN_CANDIDATES = ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so', '/usr/lib/orthanc/libOrthancDicomWeb.so.1.7'];

/** A DICOM peer Orthanc may C-STORE / C-ECHO to (configuration "DicomModalities"). */
export interface OrthancModality {
  aet: string;
  host: string;
  port: number;
}

export interface StartOrthancOptions {
  /** Orthanc's own AE title; default ORTHANC */
  aet?: string;
  /** peers by symbolic name, e.g. { nidus: { aet: 'NIDUS', host: '127.0.0.1', port: 11112 } } */
  modalities?: Record<string, OrthancModality>;
  /** load the DICOMweb plugin (root /dicom-web/); default true */
  dicomWeb?: boolean;
  /** turn on HTTP Basic authentication with this one user; rest() then sends it */
  auth?: { username: string; password: string };
  /** extra configuration keys merged over the defaults */
  config?: Record<string, unknown>;
  /** fixed ports (e.g. to bring the same PACS back after an outage); default free ones */
  httpPort?: number;
  dicomPort?: number;
  /** how long to wait for /system; default 20 s */
  startTimeoutMs?: number;
  /**
   * how long stop() waits after SIGTERM before SIGKILL; default 300 ms. A graceful stop of Orthanc 1.10 takes
   * ~3.5 s (its HTTP and DICOM servers poll), and the storage is deleted anyway, so tests do not wait for it.
   */
  stopGraceMs?: number;
}

export interface OrthancHandle {
  /** http://127.0.0.1:<port>, no trailing slash */
  httpUrl: string;
  /** the DICOMweb root, http://127.0.0.1:<port>/dicom-web (no trailing slash) */
  dicomWebUrl: string;
  httpPort: number;
  dicomPort: number;
  aet: string;
  /** temp directory holding configuration, index and storage */
  directory: string;
  /** fetch against the REST API: path is relative to httpUrl ('/instances'); sends the `auth` user if any */
  rest(path: string, init?: RequestInit): Promise<Response>;
  /** GET (or `init`) and parse JSON; throws OrthancRestError on a non-2xx status */
  restJson<T = unknown>(path: string, init?: RequestInit): Promise<T>;
  /** Orthanc's log (stderr and stdout) so far, for failure messages */
  log(): string;
  /** SIGTERM, then SIGKILL after a grace period; removes the temp directory. Idempotent. */
  stop(): Promise<void>;
}

/** Orthanc did not come up (or exited). Carries the tail of its log. */
export class OrthancStartError extends Error {
  override name = 'OrthancStartError';
}

/** A REST call answered with a non-2xx status. */
export class OrthancRestError extends Error {
  override name = 'OrthancRestError';
  constructor(
    readonly status: number,
    readonly path: string,
    readonly body: string,
  ) {
    super(`Orthanc ${path} answered ${status}: ${body.slice(0, 300)}`);
  }
}

export function findDicomWebPlugin(): string {
  const found = DICOMWEB_PLUGIN_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new OrthancStartError('DICOMweb plugin not found: apt-get install orthanc-dicomweb (dpkg -L orthanc-dicomweb)');
  return found;
}

function orthancConfig(directory: string, httpPort: number, dicomPort: number, aet: string, options: StartOrthancOptions): Record<string, unknown> {
  const modalities = Object.fromEntries(Object.entries(options.modalities ?? {}).map(([name, m]) => [name, { AET: m.aet, Host: m.host, Port: m.port }]));
  const config: Record<string, unknown> = {
    Name: `nidus-test-${aet}`,
    StorageDirectory: join(directory, 'storage'),
    IndexDirectory: join(directory, 'index'),
    StorageCompression: false,
    HttpServerEnabled: true,
    HttpPort: httpPort,
    HttpBindAddress: '127.0.0.1',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: !!options.auth,
    RegisteredUsers: options.auth ? { [options.auth.username]: options.auth.password } : undefined,
    DicomServerEnabled: true,
    DicomAet: aet,
    DicomPort: dicomPort,
    DicomCheckCalledAet: false,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowStore: true,
    DicomCheckModalityHost: false,
    DicomModalities: modalities,
    DicomScuTimeout: 10,
    // Fast, quiet, self-contained tests: no jobs kept across restarts, few threads, nothing from /etc/orthanc.
    ConcurrentJobs: 2,
    SaveJobs: false,
    JobsHistorySize: 10,
    HttpThreadsCount: 8,
    DicomThreadsCount: 2,
    KeepAlive: true,
    TcpNoDelay: true,
    StableAge: 1,
    OverwriteInstances: true,
    Plugins: options.dicomWeb === false ? [] : [findDicomWebPlugin()],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true, Ssl: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
    ...options.config,
  };
  return config;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForSystem(httpUrl: string, child: ChildProcess, timeoutMs: number, log: () => string, headers: Record<string, string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new OrthancStartError(`Orthanc exited (${child.exitCode ?? child.signalCode}) before answering:\n${log().slice(-2000)}`);
    }
    try {
      const res = await fetch(`${httpUrl}/system`, { headers, signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        await res.json();
        return;
      }
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await delay(25);
  }
  throw new OrthancStartError(`Orthanc did not answer /system within ${timeoutMs} ms (${lastError}):\n${log().slice(-2000)}`);
}

function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startOnce(options: StartOrthancOptions): Promise<OrthancHandle> {
  const aet = options.aet ?? 'ORTHANC';
  const directory = mkdtempSync(join(tmpdir(), 'nidus-orthanc-'));
  const httpPort = options.httpPort ?? (await freePort());
  let dicomPort = options.dicomPort ?? (await freePort());
  while (dicomPort === httpPort && options.dicomPort === undefined) dicomPort = await freePort();
  const configPath = join(directory, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(orthancConfig(directory, httpPort, dicomPort, aet, options), null, 2));

  const child = spawn(ORTHANC_BINARY, ['--no-jobs', configPath], {
    cwd: directory,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TCP_NODELAY: '1' },
  });
  let logText = '';
  const append = (chunk: Buffer) => {
    logText += chunk.toString('utf8');
    if (logText.length > 200_000) logText = logText.slice(-100_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const log = () => logText;
  // If the test process dies without stop(), take Orthanc with it rather than leave an orphan.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= terminate(child, options.stopGraceMs ?? 300).then(() => {
      process.removeListener('exit', killOnExit);
      rmSync(directory, { recursive: true, force: true });
    });
    return stopped;
  };

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const authHeaders: Record<string, string> = options.auth
    ? { Authorization: 'Basic ' + Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64') }
    : {};
  try {
    await waitForSystem(httpUrl, child, options.startTimeoutMs ?? 20_000, log, authHeaders);
  } catch (e) {
    await stop();
    throw e;
  }

  const rest = (path: string, init?: RequestInit) =>
    fetch(httpUrl + (path.startsWith('/') ? path : '/' + path), {
      ...init,
      headers: { ...authHeaders, ...(init?.headers as Record<string, string> | undefined) },
    });
  return {
    httpUrl,
    dicomWebUrl: `${httpUrl}/dicom-web`,
    httpPort,
    dicomPort,
    aet,
    directory,
    rest,
    async restJson<T>(path: string, init?: RequestInit): Promise<T> {
      const res = await rest(path, init);
      const body = await res.text();
      if (!res.ok) throw new OrthancRestError(res.status, path, body);
      return (body ? JSON.parse(body) : null) as T;
    },
    log,
    stop,
  };
}

/**
 * Starts a private Orthanc. Ports come from "listen on 0, then close", so another process may take one
 * in between: when Orthanc then exits at start-up, the harness tries again with new ports.
 */
export async function startOrthanc(options: StartOrthancOptions = {}): Promise<OrthancHandle> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      lastError = e;
      if (!(e instanceof OrthancStartError) || !/exited/.test(e.message)) throw e;
    }
  }
  throw lastError;
}
