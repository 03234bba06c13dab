import 'reflect-metadata';
import { Command } from 'commander';
import { nidusVersion } from '@nidus/config';
import { EXIT, exitWith } from '@nidus/runtime';
import { analyze, AnalysisFailedError } from './analyze.command';
import { DeliveriesCommandError, listDeliveries, resendDeliveriesCommand } from './deliveries.command';
import { checkModel, importModel, listModels, ModelCommandError, parseCodeOption } from './models.command';
import { createToken, listTokens, revokeToken, TokenCommandError } from './tokens.command';

/** The one read of the environment: each command validates it once through loadConfig (libs/config). */
const env = process.env;

/** Start-up and command failures end in one line on stderr and a non-zero exit (README). */
function fail(error: unknown): never {
  exitWith(
    error,
    error instanceof AnalysisFailedError || error instanceof ModelCommandError
      ? EXIT.analysis
      : error instanceof TokenCommandError || error instanceof DeliveriesCommandError
        ? EXIT.config
        : undefined,
  );
}

/** The services are started by bin/nidus.js from their apps' entry files (apps/gateway, apps/worker); listed here for --help. */
function service(name: string, description: string): void {
  program
    .command(name)
    .description(description)
    .action(() => fail(new Error(`${name} is started by bin/nidus.js (\`npx nidus ${name}\`)`)));
}

const program = new Command('nidus')
  .description('Nidus: DICOM in from the PACS, stroke CT perfusion triage and ONNX findings, results and alerts back out.')
  .version(nidusVersion())
  .showHelpAfterError();

program
  .command('analyze')
  .description('run the analyses that apply to DICOM files or folders, in this process (no Redis or database needed)')
  .argument('<paths...>', 'DICOM files or folders holding them')
  .option('--analysis <id>', 'run this installed analysis (default: those the routes, or else the series, call for)')
  .option('--model <id>', 'run this findings model of MODELS_DIR (its analysis has the model id)')
  .option('--json', 'print the result as JSON (an array when several analyses ran)')
  .option('--out <dir>', "also write each analysis's result objects (SEG, SR, summary images) and result.json to <dir>/<analysis>/")
  .option('--series <SeriesInstanceUID>', 'analyse only this series of the files')
  .action((paths: string[], options) => analyze(paths, { ...options, analysis: options.model ?? options.analysis }, env).catch(fail));

const models = program.command('models').description('the findings models of MODELS_DIR (models/<id>/model.json + model.onnx; docs/models.md)');
models
  .command('list')
  .description('list the models, whether each is installed, and why not')
  .option('--json', 'print JSON')
  .action((options) => listModels(options, env).catch(fail));
models
  .command('check')
  .description('check a model: manifest (JSON Schema and rules), checksum, loads in onnxruntime, runs an input of its declared shape; prints each time')
  .argument('<id>', 'the model id (its directory under MODELS_DIR)')
  .action((id: string) => checkModel(id, env).catch(fail));
models
  .command('import')
  .description('write MODELS_DIR/<id>/ from a MONAI Bundle folder (configs/metadata.json, configs/inference.json, models/model.onnx)')
  .argument('<bundle>', 'the bundle folder')
  .option('--id <id>', 'the model id (default: the folder name)')
  .option(
    '--code <channel=SCHEME:VALUE:MEANING>',
    'the code of an output channel, once per channel (e.g. lesion=DCM:110702:White Matter T2 Hyperintensity)',
    parseCodeOption,
  )
  .option('--modality <list>', "the modalities it applies to (default: the bundle's)")
  .option('--force', 'replace a model of that id')
  .action((bundle: string, options) => importModel(bundle, options, env).catch(fail));

const tokens = program.command('tokens').description('API tokens for machines and people (the database of DATABASE_URL / DATA_DIR; no Redis needed)');
tokens
  .command('create')
  .description('create a token and print it once (only its hash is kept)')
  .requiredOption('--name <name>', 'who or what holds it, e.g. "PACS push" or "dr.ada"')
  .requiredOption('--role <role>', 'admin, radiologist, stroke, integration or viewer')
  .option('--expires <when>', 'a duration (90d, 12h, 30m) or an ISO date; default: no expiry')
  .option('--json', 'print { id, name, role, expiresAt, token } as JSON')
  .action((options) => createToken(options, env).catch(fail));
tokens
  .command('list')
  .description('list tokens, newest first (never the tokens themselves)')
  .option('--json', 'print JSON')
  .action((options) => listTokens(options, env).catch(fail));
tokens
  .command('revoke')
  .description('revoke a token by id: it stops working at once')
  .argument('<id>', 'the token id (from create or list)')
  .action((id: string) => revokeToken(id, env).catch(fail));

const deliveries = program.command('deliveries').description('result objects and where they stand at each delivery target');
const filterOptions = (command: Command) =>
  command
    .option('--target <id>', 'only this delivery target')
    .option('--study <StudyInstanceUID>', 'only the results of this study')
    .option('--object <SOPInstanceUID>', 'only this result object')
    .option('--json', 'print JSON');
filterOptions(
  deliveries
    .command('list')
    .description('each result object at each target: state, tries, next try, last error (the database; no Redis needed)')
    .option('--state <state>', 'pending, waiting, delivered or failed'),
).action((options) => listDeliveries(options, env).catch(fail));
filterOptions(
  deliveries
    .command('resend')
    .description('send again what was not delivered: a new round of tries, queued for the workers (needs the database and Redis)')
    .option('--state <state>', 'failed (default), waiting or pending'),
).action((options) => resendDeliveriesCommand(options, env).catch(fail));

service('serve', 'run the gateway (HTTP, DICOM listener) and a worker in one process');
service('gateway', 'run only the gateway: HTTP API, DICOMweb and the DICOM listener');
service('worker', 'run only a worker: consume the queues (many may share one Redis and database)');

program.parseAsync(process.argv).catch(fail);
