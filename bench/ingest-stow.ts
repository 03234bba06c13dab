// STOW-RS ingest: the same 640-image CT series in one multipart/related request (curl, streamed from a file)
// to Nidus (/dicomweb/studies) and to Orthanc's DICOMweb plugin (/dicom-web/studies), Debian defaults,
// interleaved, each receiver started fresh per run. Median of the runs; peak RSS of the receiving process.
// Run: npm run build && node dist/bench/ingest-stow.js [--runs 3] [--count 640]
import './register-aliases';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { option, peakRssMb, Receiver, Row, startNidus, startOrthanc, table, timed, writeSeries } from './ingest-common';

const args = process.argv.slice(2);
const RUNS = option(args, '--runs', 3);
const COUNT = option(args, '--count', 640);
const BOUNDARY = 'nidus-bench-boundary-7d1f';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stow-series-'));
  try {
    const { paths, bytes } = writeSeries(join(dir, 'series'), COUNT);
    // the request body on disk, so the client streams it (curl -T) and holds none of it in memory
    const body = join(dir, 'body.multipart');
    const fd = openSync(body, 'w');
    for (const p of paths) {
      writeSync(fd, `--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`);
      writeSync(fd, readFileSync(p));
      writeSync(fd, '\r\n');
    }
    writeSync(fd, `--${BOUNDARY}--\r\n`);
    closeSync(fd);
    const receivers: [string, () => Promise<Receiver>][] = [
      ['Nidus', startNidus],
      ['Orthanc DICOMweb plugin (defaults)', () => startOrthanc({ tcpNoDelay: false, dicomWeb: true })],
    ];
    const rows: Row[] = receivers.map(([receiver]) => ({ receiver, seconds: [], peakMb: [] }));
    for (let run = 0; run < RUNS; run++) {
      for (const [i, [name, start]] of receivers.entries()) {
        // each receiver starts with no dirty page cache left by the one before (or by writing the series)
        execFileSync('sync');
        const receiver = await start();
        try {
          const out = join(dir, 'response.json');
          const seconds = await timed('curl', [
            '-sS',
            '--fail',
            '-o',
            out,
            '-X',
            'POST',
            '-H',
            `Content-Type: multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
            '-H',
            'Accept: application/dicom+json',
            '-H',
            'Expect:',
            '-T',
            body,
            receiver.stowUrl!,
          ]);
          const response = JSON.parse(readFileSync(out, 'utf8'));
          const stored = (response['00081199']?.Value ?? []).length;
          if (stored !== COUNT) throw new Error(`${name} stored ${stored} of ${COUNT}`);
          rows[i].seconds.push(seconds);
          rows[i].peakMb.push(peakRssMb(receiver.pid));
          process.stderr.write(`run ${run + 1} ${name}: ${seconds.toFixed(2)} s\n`);
        } finally {
          await receiver.stop();
        }
      }
    }
    process.stdout.write(`\nSTOW-RS of ${COUNT} CT images (${(bytes / 1024 / 1024).toFixed(0)} MB) in one request by curl, median of ${RUNS} runs\n\n`);
    process.stdout.write(table(rows, bytes, COUNT) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
