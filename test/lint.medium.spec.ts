import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@nidus/testing';

/** ESLint of the repository (npm run lint) on a file that is not there: the text given, as if at `path`. */
function lint(path: string, text: string) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', path], {
    cwd: PROJECT_ROOT,
    input: text,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

// The dependency rule of the layout (README, "Architecture"), as `npm run lint` checks it: planted violations fail.
describe('npm run lint: the dependency rule', () => {
  it.each([
    ['libs/dicom/src/planted.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", /libs\/dicom is pure/],
    ['libs/perfusion/src/planted.ts', "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n", /libs\/perfusion is pure/],
    ['libs/imaging/src/planted.ts', "import { JobQueue } from '@nidus/jobs';\nexport const x = JobQueue;\n", /libs\/imaging is pure/],
    ['libs/delivery/src/planted.ts', "import { startWorker } from '@nidus/pipeline';\nexport const x = startWorker;\n", /only apps import the pipeline/],
    [
      'libs/series/src/planted.ts',
      "import { gatewayService } from '../../../apps/gateway/src/main';\nexport const x = gatewayService;\n",
      /libraries do not import apps/,
    ],
    [
      'libs/ingest/src/planted.ts',
      "import { storescu } from '@nidus/testing';\nexport const x = storescu;\n",
      /only tests, benches and scripts import the test helpers/,
    ],
    ['apps/cli/src/planted.ts', "import { gatewayService } from '../../gateway/src/main';\nexport const x = gatewayService;\n", /no app imports another/],
    ['libs/delivery/src/planted.ts', "export const isPerfusion = (kind: string) => kind === 'ctp';\n", /only libs\/analyses\/ctp names CT perfusion/],
  ])('fails %s', (path, text, reason) => {
    const r = lint(path, text);
    expect(r.status).toBe(1);
    expect(r.output).toMatch(reason);
  });

  it('passes what the rule allows', () => {
    expect(lint('libs/dicom/src/planted.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;\n").status).toBe(0);
    expect(lint('apps/cli/src/planted.ts', "import { startWorker } from '@nidus/pipeline';\nexport const x = startWorker;\n").status).toBe(0);
    expect(lint('libs/analyses/ctp/src/planted.ts', "export const id = 'ctp';\n").status).toBe(0);
    expect(lint('libs/dicom/src/planted.spec.ts', "import { dciodvfy } from '@nidus/testing';\nexport const x = dciodvfy;\n").status).toBe(0);
  });
});
