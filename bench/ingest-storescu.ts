// C-STORE ingest: a 640-image CT series (512x512 Int16, ~335 MB) sent by dcmtk's storescu (TCP_NODELAY=1)
// to Nidus's SCP (full ingest: file + fsync, SQLite index, study assembly), to Orthanc (Debian, default
// settings; and again with TCP_NODELAY=1 in its environment) and to dcmtk's storescp, in the same run,
// interleaved, each receiver started fresh per run. Median of the runs; peak RSS of the receiving process.
// Run: npm run build && node dist/bench/ingest-storescu.js [--runs 3] [--count 640]
import './register-aliases';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { option, peakRssMb, Receiver, Row, startNidus, startOrthanc, startStorescp, table, timed, writeSeries } from './ingest-common';

const args = process.argv.slice(2);
const RUNS = option(args, '--runs', 3);
const COUNT = option(args, '--count', 640);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-series-'));
  try {
    const { paths, bytes } = writeSeries(dir, COUNT);
    process.stderr.write(`series: ${COUNT} files, ${(bytes / 1024 / 1024).toFixed(0)} MB in ${dir}\n`);
    const receivers: [string, () => Promise<Receiver>][] = [
      ['Nidus', startNidus],
      ['Orthanc (defaults)', () => startOrthanc({ tcpNoDelay: false, dicomWeb: false })],
      ['Orthanc (TCP_NODELAY=1)', () => startOrthanc({ tcpNoDelay: true, dicomWeb: false })],
      ['dcmtk storescp', startStorescp],
    ];
    const rows: Row[] = receivers.map(([receiver]) => ({ receiver, seconds: [], peakMb: [] }));
    for (let run = 0; run < RUNS; run++) {
      for (const [i, [name, start]] of receivers.entries()) {
        // each receiver starts with no dirty page cache left by the one before (or by writing the series)
        execFileSync('sync');
        const receiver = await start();
        try {
          const seconds = await timed('storescu', ['-aet', 'BENCH', '-aec', receiver.aeTitle, '127.0.0.1', String(receiver.dicomPort), ...paths], {
            ...process.env,
            TCP_NODELAY: '1',
          });
          rows[i].seconds.push(seconds);
          rows[i].peakMb.push(peakRssMb(receiver.pid));
          process.stderr.write(`run ${run + 1} ${name}: ${seconds.toFixed(2)} s\n`);
        } finally {
          await receiver.stop();
        }
      }
    }
    process.stdout.write(`\nC-STORE of ${COUNT} CT images (${(bytes / 1024 / 1024).toFixed(0)} MB) by storescu (TCP_NODELAY=1), median of ${RUNS} runs\n\n`);
    process.stdout.write(table(rows, bytes, COUNT, 'dcmtk storescp') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
