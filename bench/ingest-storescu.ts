// C-STORE ingest, Nidus against Orthanc in the same run: dcmtk's storescu (TCP_NODELAY=1, one association) sends
//   small: 480 CT images of 256x256 Int16 (many small instances), and
//   large: 8 multi-frame instances of 512x512x96 Int16 (48 MB each),
// to Nidus's SCP (full ingest: temp file, fdatasync, link, directory fsync, SQLite index, study assembly on Redis)
// and to Orthanc (Debian package, its own storage dir, SyncStorageArea true: each file fsynced before Success;
// TCP_NODELAY=1 in its environment, which the dcmtk inside it reads), optionally dcmtk's storescp (no fsync) as
// the floor. Each receiver is started fresh per run, the order alternates from run to run, `sync` before each
// start, and each first takes --warmup instances of another series (a service that has been running: Node's JIT
// warm; 0 for a cold start); medians of the runs, ratio Nidus / Orthanc, peak RSS of the receiving process.
// Run: npm run build && node dist/bench/ingest-storescu.js [--runs 5] [--workload small|large|all] [--warmup 240] [--storescp]
//      [--small-count 480] [--small-size 256] [--large-count 8] [--large-frames 96] [--series640]
import './register-aliases';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  median,
  option,
  peakRssMb,
  Receiver,
  Row,
  startNidus,
  startOrthanc,
  startStorescp,
  table,
  timed,
  writeMultiFrameSeries,
  writeSeries,
} from './ingest-common';

const args = process.argv.slice(2);
const RUNS = option(args, '--runs', 5);
const WORKLOAD = args.includes('--workload') ? args[args.indexOf('--workload') + 1] : 'all';
/** instances of another series sent to each fresh receiver before the timed run: a service that has been running */
const WARMUP = option(args, '--warmup', 240);

interface Workload {
  name: string;
  count: number;
  write: (dir: string) => { paths: string[]; bytes: number };
}

const WORKLOADS: Workload[] = [
  {
    name: 'small',
    count: option(args, '--small-count', 480),
    write: (dir) => writeSeries(dir, option(args, '--small-count', 480), option(args, '--small-size', 256)),
  },
  {
    name: 'large',
    count: option(args, '--large-count', 8),
    write: (dir) => writeMultiFrameSeries(dir, option(args, '--large-count', 8), option(args, '--large-frames', 96)),
  },
];
if (args.includes('--series640')) WORKLOADS.push({ name: 'ct640', count: 640, write: (dir) => writeSeries(dir, 640, 512) });

async function measure(workload: Workload): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `bench-ingest-${workload.name}-`));
  try {
    const { paths, bytes } = workload.write(dir);
    const warmup = WARMUP > 0 ? writeSeries(join(dir, 'warmup'), WARMUP, 256).paths : [];
    const what = `${workload.name}: ${paths.length} files, ${(bytes / 1024 / 1024).toFixed(0)} MB`;
    process.stderr.write(`${what} in ${dir}\n`);
    const receivers: [string, () => Promise<Receiver>][] = [
      ['Nidus', startNidus],
      ['Orthanc (SyncStorageArea, TCP_NODELAY=1)', () => startOrthanc({ tcpNoDelay: true, dicomWeb: false, syncStorageArea: true })],
    ];
    if (args.includes('--storescp')) receivers.push(['dcmtk storescp (no fsync)', startStorescp]);
    const rows: Row[] = receivers.map(([receiver]) => ({ receiver, seconds: [], peakMb: [] }));
    for (let run = 0; run < RUNS; run++) {
      // alternate who goes first: a noisy neighbour then hurts both alike
      const order = receivers.map((_, i) => i);
      if (run % 2) order.reverse();
      for (const i of order) {
        const [name, start] = receivers[i];
        // each receiver starts with no dirty page cache left by the one before (or by writing the series)
        execFileSync('sync');
        const receiver = await start();
        try {
          if (warmup.length)
            await timed('storescu', ['-aet', 'WARMUP', '-aec', receiver.aeTitle, '127.0.0.1', String(receiver.dicomPort), ...warmup], {
              ...process.env,
              TCP_NODELAY: '1',
            });
          execFileSync('sync');
          const seconds = await timed('storescu', ['-aet', 'BENCH', '-aec', receiver.aeTitle, '127.0.0.1', String(receiver.dicomPort), ...paths], {
            ...process.env,
            TCP_NODELAY: '1',
          });
          rows[i].seconds.push(seconds);
          rows[i].peakMb.push(peakRssMb(receiver.pid));
          process.stderr.write(`${workload.name} run ${run + 1} ${name}: ${seconds.toFixed(2)} s\n`);
        } finally {
          await receiver.stop();
        }
      }
    }
    const ratio = median(rows[0].seconds) / median(rows[1].seconds);
    return [
      `\nC-STORE, ${what}, by storescu (TCP_NODELAY=1), after ${WARMUP} warm-up instances, median of ${RUNS} runs; time Nidus / Orthanc: ${ratio.toFixed(2)}\n`,
      table(rows, bytes, paths.length, receivers[1][0]),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const out: string[] = [];
  for (const workload of WORKLOADS) if (WORKLOAD === 'all' || WORKLOAD === workload.name) out.push(await measure(workload));
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
