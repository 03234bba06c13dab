// Run dicom3tools' dciodvfy, dcmtk's dcmdump / dsrdump and pydicom on bytes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runOnFile(tool: string, args: string[], bytes: Uint8Array): ToolOutput {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-dcmtool-'));
  try {
    const file = join(dir, 'object.dcm');
    writeFileSync(file, bytes);
    const r = spawnSync(tool, [...args, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TCP_NODELAY: '1' } });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface DciodvfyReport {
  errors: string[];
  warnings: string[];
  output: string;
}

/** dciodvfy (dicom3tools): IOD conformance. Errors are lines starting with "Error". */
export function dciodvfy(bytes: Uint8Array): DciodvfyReport {
  const r = runOnFile('dciodvfy', [], bytes);
  const output = r.stdout + r.stderr;
  const lines = output.split('\n').filter((l) => l.trim());
  return { errors: lines.filter((l) => l.startsWith('Error')), warnings: lines.filter((l) => l.startsWith('Warning')), output };
}

export function dcmdump(bytes: Uint8Array, args: string[] = []): ToolOutput {
  return runOnFile('dcmdump', ['+L', ...args], bytes);
}

export function dsrdump(bytes: Uint8Array, args: string[] = []): ToolOutput {
  return runOnFile('dsrdump', args, bytes);
}

/** Debian's python3-pydicom (with numpy) as an independent reader: runs `script` with the file path as sys.argv[1]. */
export function pydicomJson<T>(bytes: Uint8Array, script: string): T {
  const r = runOnFile('/usr/bin/python3', ['-c', script], bytes);
  if (r.status !== 0) throw new Error(`pydicom script failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
