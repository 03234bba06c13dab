import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The independent decoder (dcmtk or GDCM) used as reference for a transfer syntax, and how to call it. */
export interface ReferenceTool {
  tool: string;
  args: (input: string, output: string) => string[];
}

const dcmtk = (tool: string, ...options: string[]): ReferenceTool => ({ tool, args: (i, o) => [...options, i, o] });
const gdcmRaw: ReferenceTool = { tool: 'gdcmconv', args: (i, o) => ['--raw', i, o] };

/**
 * Reference decoders by transfer syntax. dcmtk writes Explicit VR Little Endian (+te); JPEG 2000 goes to
 * GDCM (dcmtk has no JPEG 2000 codec). YBR is left as it is coded where the tool offers it.
 */
export function referenceToolFor(transferSyntaxUID: string): ReferenceTool {
  switch (transferSyntaxUID) {
    case '1.2.840.10008.1.2':
    case '1.2.840.10008.1.2.1':
    case '1.2.840.10008.1.2.1.99':
    case '1.2.840.10008.1.2.2':
      return dcmtk('dcmconv', '+te');
    case '1.2.840.10008.1.2.5':
      return dcmtk('dcmdrle', '+te');
    case '1.2.840.10008.1.2.4.50':
    case '1.2.840.10008.1.2.4.51':
    case '1.2.840.10008.1.2.4.57':
    case '1.2.840.10008.1.2.4.70':
      return dcmtk('dcmdjpeg', '+te');
    case '1.2.840.10008.1.2.4.80':
    case '1.2.840.10008.1.2.4.81':
      return dcmtk('dcmdjpls', '+te');
    default:
      return gdcmRaw;
  }
}

/**
 * Runs the reference decoder on a file in a fresh temp directory and returns the uncompressed file's bytes.
 * Rejects with the tool's message when it fails.
 */
export async function referenceDecode(path: string, transferSyntaxUID: string, tool = referenceToolFor(transferSyntaxUID)): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-reference-'));
  try {
    const output = join(dir, 'decoded.dcm');
    await run(tool.tool, tool.args(path, output), { env: { ...process.env, TCP_NODELAY: '1' } });
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
