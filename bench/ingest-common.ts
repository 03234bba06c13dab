// Shared pieces of the ingest benchmarks: the series (single- and multi-frame), the three receivers (Nidus, Orthanc,
// dcmtk's storescp) started fresh for every run, their peak memory, and the table.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateUid, writePart10 } from '@nidus/dicom';
import { syntheticCtElements } from '@nidus/testing';

export const ORTHANC = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * One multi-frame series: `count` Multi-frame Grayscale Word Secondary Capture instances (PS3.3 A.8.4) of
 * `frames` frames of size x size, Int16 (512x512x96: 48 MB each).
 */
export function writeMultiFrameSeries(dir: string, count: number, frames: number, size = 512): { paths: string[]; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const StudyInstanceUID = generateUid();
  const SeriesInstanceUID = generateUid();
  const paths: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const single = syntheticCtElements(i, { rows: size, columns: size, StudyInstanceUID, SeriesInstanceUID, SeriesDescription: 'Bench multi-frame' });
    const pixels = new Int16Array(size * size * frames);
    for (let f = 0; f < frames; f++) pixels.set(single.PixelData as Int16Array, f * size * size);
    const file = writePart10({
      ...single,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.7.3',
      Modality: 'OT',
      ConversionType: 'WSD',
      NumberOfFrames: frames,
      FrameIncrementPointer: undefined,
      PixelData: pixels,
    });
    const path = join(dir, `${String(i).padStart(4, '0')}.dcm`);
    writeFileSync(path, file);
    paths.push(path);
    bytes += file.length;
  }
  return { paths, bytes };
}

/** One CT series of `count` size x size Int16 slices as Part 10 files (Explicit VR Little Endian). */
export function writeSeries(dir: string, count: number, size = 512): { paths: string[]; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const StudyInstanceUID = generateUid();
  const SeriesInstanceUID = generateUid();
  const paths: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const file = writePart10(syntheticCtElements(i, { rows: size, columns: size, StudyInstanceUID, SeriesInstanceUID, SeriesDescription: 'Bench CT 640' }));
    const path = join(dir, `${String(i).padStart(4, '0')}.dcm`);
    writeFileSync(path, file);
    paths.push(path);
    bytes += file.length;
  }
  return { paths, bytes };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitTcp(port: number, timeoutMs = 30_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export interface Receiver {
  name: string;
  dicomPort: number;
  aeTitle: string;
  /** STOW-RS endpoint, when it has one */
  stowUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

async function kill(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Nidus: bench/ingest-receiver.js, a fresh DATA_DIR. */
export async function startNidus(): Promise<Receiver> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-nidus-'));
  const child = spawn(process.execPath, [join(__dirname, 'ingest-receiver.js'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\d+) (\d+)/.exec(out);
      if (m) resolve(`${m[1]} ${m[2]}`);
    });
    child.once('exit', (code) => reject(new Error(`Nidus receiver exited ${code}`)));
  });
  const [httpPort, dicomPort] = ready.split(' ').map(Number);
  return {
    name: 'Nidus',
    dicomPort,
    aeTitle: 'NIDUS',
    stowUrl: `http://127.0.0.1:${httpPort}/dicomweb/studies`,
    pid: child.pid!,
    stop: async () => {
      await kill(child, 10_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Orthanc from Debian with its default settings: only the storage folders, ports and AE title set
 * (plus the DICOMweb plugin for STOW-RS). `tcpNoDelay` starts it with TCP_NODELAY=1 in its environment,
 * which the dcmtk inside it reads.
 */
export async function startOrthanc(options: { tcpNoDelay: boolean; dicomWeb: boolean; syncStorageArea?: boolean }): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-orthanc-'));
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const config = {
    Name: 'bench',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: false,
    Plugins: options.dicomWeb ? [DICOMWEB_PLUGIN] : [],
    // fsync of every file written (Orthanc's default since 1.7.4, said explicitly): durable before Success, as Nidus
    ...(options.syncStorageArea === undefined ? {} : { SyncStorageArea: options.syncStorageArea }),
  };
  writeFileSync(join(dir, 'orthanc.json'), JSON.stringify(config));
  const env = { ...process.env };
  if (options.tcpNoDelay) env.TCP_NODELAY = '1';
  else delete env.TCP_NODELAY;
  const child = spawn(ORTHANC, [join(dir, 'orthanc.json')], { cwd: dir, env, stdio: 'ignore' });
  await waitHttp(`http://127.0.0.1:${httpPort}/system`);
  await waitTcp(dicomPort);
  return {
    name: options.tcpNoDelay ? 'Orthanc (TCP_NODELAY=1)' : 'Orthanc (defaults)',
    dicomPort,
    aeTitle: 'ORTHANC',
    stowUrl: options.dicomWeb ? `http://127.0.0.1:${httpPort}/dicom-web/studies` : undefined,
    pid: child.pid!,
    stop: async () => {
      await kill(child, 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** dcmtk's storescp: writes each instance to a file (no fsync), TCP_NODELAY=1. */
export async function startStorescp(): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-storescp-'));
  const port = await freePort();
  const child = spawn('storescp', ['-aet', 'STORESCP', '-od', dir, String(port)], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
  await waitTcp(port);
  return {
    name: 'dcmtk storescp',
    dicomPort: port,
    aeTitle: 'STORESCP',
    pid: child.pid!,
    stop: async () => {
      await kill(child, 2_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a command to completion; resolves with its wall time in seconds, rejects on a non-zero exit. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) resolve(seconds);
      else reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`));
    });
  });
}

export interface Row {
  receiver: string;
  seconds: number[];
  peakMb: number[];
}

export function table(rows: Row[], bytes: number, count: number, reference?: string): string {
  const ref = rows.find((r) => r.receiver === reference);
  const lines = [
    `| receiver | median time | MB/s | images/s | ${ref ? `time / ${reference} | ` : ''}peak RSS of the receiver | runs (s) |`,
    `| --- | --- | --- | --- | ${ref ? '--- | ' : ''}--- | --- |`,
  ];
  for (const r of rows) {
    const t = median(r.seconds);
    lines.push(
      `| ${r.receiver} | ${t.toFixed(2)} s | ${(bytes / 1024 / 1024 / t).toFixed(0)} | ${(count / t).toFixed(0)} | ${ref ? `${(t / median(ref.seconds)).toFixed(2)} | ` : ''}${median(r.peakMb).toFixed(0)} MB | ${r.seconds.map((s) => s.toFixed(2)).join(', ')} |`,
    );
  }
  return lines.join('\n');
}
