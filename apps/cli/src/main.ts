import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError, nidusVersion } from '@nidus/config';
import { DatabaseUnavailableError } from '@nidus/persistence';
import { RedisUnavailableError } from '@nidus/pipeline';
import { analyze, AnalysisFailedError } from './analyze.command';
import { serve } from './serve.command';

const EXIT_CONFIG = 2;
const EXIT_UNAVAILABLE = 3;
const EXIT_ANALYSIS = 4;

/** Start-up failures end in one line on stderr and a non-zero exit. */
function fail(error: unknown): never {
  const e = error as Error;
  process.stderr.write(`nidus: ${e.message}\n`);
  if (e instanceof ConfigError) process.exit(EXIT_CONFIG);
  if (e instanceof DatabaseUnavailableError || e instanceof RedisUnavailableError) process.exit(EXIT_UNAVAILABLE);
  if (e instanceof AnalysisFailedError) process.exit(EXIT_ANALYSIS);
  process.exit(1);
}

const program = new Command('nidus')
  .description('Nidus: DICOM in from the PACS, stroke CT perfusion triage and ONNX findings, results and alerts back out.')
  .version(nidusVersion())
  .showHelpAfterError();

program
  .command('analyze')
  .description('analyse a CT perfusion study from DICOM files or folders, in this process (no Redis or database needed)')
  .argument('<paths...>', 'DICOM files or folders holding them')
  .option('--json', "print the result as JSON (the contract's fields)")
  .option('--out <dir>', 'also write the result objects (SEG, SR, summary images) as DICOM files, and result.json')
  .option('--series <SeriesInstanceUID>', 'the series to analyse when the files hold several (default: the largest)')
  .action((paths: string[], options) => analyze(paths, options, process.env).catch(fail));

program
  .command('serve')
  .description('run the gateway (HTTP, DICOM listener) and the worker in one process')
  .action(() => serve('all', process.env).catch(fail));
program
  .command('gateway')
  .description('run only the gateway: HTTP API, DICOMweb and the DICOM listener')
  .action(() => serve('gateway', process.env).catch(fail));
program
  .command('worker')
  .description('run only a worker: consume the queues (many may share one Redis and database)')
  .action(() => serve('worker', process.env).catch(fail));

program.parseAsync(process.argv).catch(fail);
