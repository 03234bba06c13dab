import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@nidus/config';
import { findTransferSyntax } from '@nidus/dicom';
import { MultipartRelatedParser, readPart10Layout } from '@nidus/dicom-net';
import type { PixelArray } from '@nidus/imaging';
import { IngestModule } from '@nidus/ingest';
import { AppContext, closeAppContext, NidusCoreModule, openAppContext } from '@nidus/runtime';
import {
  decodeFile,
  frameDifference,
  GDCM,
  GDCM_DEFECTS,
  hasPixelData,
  LOSSY_TOLERANCE,
  NEITHER_READS,
  pydicomFiles,
  referenceDecode,
  REFUSED_ON_PURPOSE,
  type DecodedFile,
} from '@nidus/testing';
import { DicomWebModule } from './dicomweb.module';

// Every pydicom test file sent by STOW-RS, then each stored image's frames asked for by WADO-RS: nothing a sender
// put in a file may give a 5xx, and what comes back is what GDCM (the reference decoder) reads.

async function frameParts(res: Response): Promise<Buffer[]> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(res.headers.get('content-type') ?? '')![2];
  const parts: Buffer[] = [];
  const parser = new MultipartRelatedParser(boundary, {
    part: () => {
      const chunks: Buffer[] = [];
      return {
        stream: new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }),
        done: async () => void parts.push(Buffer.concat(chunks)),
        abort: async () => undefined,
      };
    },
  });
  parser.end(Buffer.from(await res.arrayBuffer()));
  await new Promise((resolve, reject) => parser.on('finish', resolve).on('error', reject));
  return parts;
}

/** Nidus's decoding of the file, its pixels replaced by the bytes WADO-RS sent (same shape, same sample type). */
function served(ours: DecodedFile, bodies: Buffer[]): DecodedFile {
  return {
    ds: ours.ds,
    frames: ours.frames.map((frame, i) => {
      const bytes = Uint8Array.from(bodies[i] ?? []);
      const Type = frame.pixels.constructor as { new (buffer: ArrayBuffer): PixelArray; BYTES_PER_ELEMENT: number };
      const usable = bytes.byteLength - (bytes.byteLength % Type.BYTES_PER_ELEMENT);
      return { ...frame, pixels: new Type(bytes.buffer.slice(0, usable)) };
    }),
  };
}

async function attempt<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch {
    return undefined;
  }
}

/** One Nidus on a fresh data directory and database. */
async function startNidus(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const config = loadConfig({ DATA_DIR: dir, DICOM_PORT: '0', HTTP_PORT: '0', LOG_LEVEL: 'silent', DISK_RESERVE_MB: '0' });
  const context: AppContext = await openAppContext(config, { queuePrefix: `test-wado-corpus-${process.pid}-${randomBytes(3).toString('hex')}` });
  @Module({ imports: [NidusCoreModule.forContext(context), IngestModule.register(), DicomWebModule.register({})] })
  class TestModule {}
  const app: INestApplication = await NestFactory.create(TestModule, { logger: false, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    close: async () => {
      await app.close();
      await closeAppContext(context);
    },
  };
}

/**
 * The corpus in rounds whose files have distinct SOPInstanceUIDs: many of its images are one image in several
 * transfer syntaxes under one UID, and a second copy of a UID is not stored again.
 */
function roundsOfDistinctUids(paths: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    let uid = path;
    try {
      uid = readPart10Layout(readFileSync(path)).SOPInstanceUID;
    } catch {
      // unreadable: a round of its own kind, refused by STOW-RS with a reason
    }
    groups.set(uid, [...(groups.get(uid) ?? []), path]);
  }
  const rounds: string[][] = [];
  for (const group of groups.values()) group.forEach((path, i) => (rounds[i] ??= []).push(path));
  return rounds;
}

describe('WADO-RS frames of the pydicom corpus', () => {
  let root: string;
  beforeAll(() => void (root = mkdtempSync(join(tmpdir(), 'nidus-wado-corpus-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers every frame request with the pixels GDCM reads, or a 4xx with a reason; never a 5xx', async () => {
    const compared: string[] = [];
    const refused: string[] = [];
    const rounds = roundsOfDistinctUids(pydicomFiles());
    for (const [r, paths] of rounds.entries()) {
      const nidus = await startNidus(join(root, `round-${r}`));
      try {
        await checkRound(nidus.url, paths, compared, refused);
      } finally {
        await nidus.close();
      }
    }
    expect(compared.length).toBeGreaterThan(45);
    expect(compared).toEqual(expect.arrayContaining(['JPEG-lossy.dcm', 'J2K_pixelrep_mismatch.dcm', 'badVR.dcm', 'SC_rgb_jpeg_lossy_gdcm.dcm']));
    expect(refused.length).toBeGreaterThan(0);
  }, 400_000);
});

/** STOW-RS of files with distinct UIDs, then WADO-RS frames of each stored image, checked against GDCM. */
async function checkRound(url: string, paths: string[], compared: string[], refused: string[]): Promise<void> {
  const files = paths.map((p) => readFileSync(p));
  const boundary = `b-${randomBytes(6).toString('hex')}`;
  const body = Buffer.concat([
    ...files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  const stow = await fetch(`${url}/dicomweb/studies`, {
    method: 'POST',
    headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
    body,
  });
  expect(stow.status).toBeLessThan(500);
  const stored: any[] = ((await stow.json()) as any)['00081199']?.Value ?? [];
  let good: string | undefined;
  for (const item of stored) {
    const retrieveUrl: string = item['00081190'].Value[0];
    // the file stored under this URL: the one whose bytes WADO-RS gives back
    const instance = Buffer.from(await (await fetch(retrieveUrl, { headers: { Accept: 'application/dicom' } })).arrayBuffer());
    const index = files.findIndex((f) => f.equals(instance));
    expect({ retrieveUrl, found: index >= 0 }).toEqual({ retrieveUrl, found: true });
    const path = paths[index];
    const file = basename(path);
    const octet = { headers: { Accept: 'multipart/related; type="application/octet-stream"' } };
    if (!hasPixelData(path)) {
      expect({ file, status: (await fetch(`${retrieveUrl}/frames/1`, octet)).status }).toEqual({ file, status: 404 });
      continue;
    }
    const ours = await attempt(() => decodeFile(files[index]));
    const frames = ours?.frames.length ?? 1;
    const res = await fetch(`${retrieveUrl}/frames/${Array.from({ length: frames }, (_, i) => i + 1).join(',')}`, octet);
    expect({ file, status: res.status < 500 }).toEqual({ file, status: true });
    if (res.status !== 200) {
      // refused: with a reason, and only what Nidus refuses on purpose or nobody reads
      expect({ file, status: res.status, reason: /^299 nidus "/.test(res.headers.get('warning') ?? '') }).toEqual({ file, status: res.status, reason: true });
      expect({ file, expected: !!REFUSED_ON_PURPOSE[file] || NEITHER_READS.includes(file) }).toEqual({ file, expected: true });
      refused.push(file);
      continue;
    }
    const sent = served(ours!, await frameParts(res));
    const tolerance = findTransferSyntax(ours!.ds.transferSyntaxUID)?.lossy ? LOSSY_TOLERANCE : 0;
    if (GDCM_DEFECTS[file]) {
      // GDCM is wrong here (libs/imaging's corpus test shows which decoder is right): the server sends the library's decoding
      expect({ file, vsLibrary: frameDifference(sent, ours!).max }).toEqual({ file, vsLibrary: 0 });
    } else {
      const gdcm = await decodeFile(await referenceDecode(path, '', GDCM));
      expect({ file, vsGdcm: frameDifference(sent, gdcm).max <= tolerance }).toEqual({ file, vsGdcm: true });
    }
    compared.push(file);
    good ??= retrieveUrl;
  }
  // a frame past the end of a good image is a 404
  if (good) expect((await fetch(`${good}/frames/9999`, { headers: { Accept: 'multipart/related; type="application/octet-stream"' } })).status).toBe(404);
}
