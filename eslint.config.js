// ESLint (flat config): typescript-eslint's recommended rules, and the dependency rule of the layout
// (README, "Architecture"): apps -> pipeline -> the other libraries; no app imports another; the pure
// libraries import no framework; only tests, benches and scripts import the test helpers; CT perfusion is
// named only in its own folder.
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const APPS = ['gateway', 'worker', 'cli'];
const PURE = ['dicom', 'imaging', 'perfusion', 'diffusion'];
const FRAMEWORK = ['@nestjs/*', 'typeorm', 'bull', '@nestjs/bull', 'ioredis', 'express', 'pg', 'better-sqlite3'];
const NON_PURE_LIBS = ['@nidus/persistence', '@nidus/jobs', '@nidus/runtime', '@nidus/delivery', '@nidus/ingest', '@nidus/series', '@nidus/pipeline'];
const TESTS = ['**/*.spec.ts', 'libs/testing/**', 'bench/**', 'scripts/**', 'test/**'];

/** One `no-restricted-imports` rule from lists of forbidden module patterns, each with its reason. */
function forbid(...groups) {
  return { 'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }] };
}

const noApps = [['**/apps/**', '*/apps/*'], 'libraries do not import apps'];
const noPipeline = [['@nidus/pipeline'], 'only apps import the pipeline (apps -> pipeline -> libraries)'];
const noTesting = [
  ['@nidus/testing', '@nidus/testing/*', '**/libs/testing/**', '**/testing/src/**'],
  'only tests, benches and scripts import the test helpers',
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'fixtures/**', 'models/**', 'libs/testing/src/jest/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      // untyped third-party APIs (dicom-parser, dcmjs) meet typed code in a few places; strict tsc does the rest
      '@typescript-eslint/no-explicit-any': 'off',
      // control characters are matched on purpose (DICOM and XML text rules)
      'no-control-regex': 'off',
      // statements joined by commas ((a = b), (c = d)) are written in a few tight loops
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
  },
  // every library: no apps, no pipeline, no test helpers
  { files: ['libs/**/*.ts'], ignores: ['libs/pipeline/**', ...TESTS], rules: forbid(noApps, noPipeline, noTesting) },
  { files: ['libs/pipeline/**/*.ts'], ignores: TESTS, rules: forbid(noApps, noTesting) },
  // the pure libraries: plain typed arrays in, plain typed arrays out
  ...PURE.map((lib) => ({
    files: [`libs/${lib}/**/*.ts`],
    ignores: TESTS,
    rules: forbid(
      noApps,
      noPipeline,
      noTesting,
      [FRAMEWORK, `libs/${lib} is pure: no Nest, TypeORM, Bull or database`],
      [NON_PURE_LIBS, `libs/${lib} is pure: it imports only pure libraries`],
    ),
  })),
  // the pre/post-processing of inference is pure as well (onnxruntime sits behind the session repository)
  {
    files: ['libs/inference/src/preprocessing/**/*.ts', 'libs/inference/src/postprocessing/**/*.ts', 'libs/inference/src/model-output-interpretation.ts'],
    ignores: TESTS,
    rules: forbid(
      noApps,
      noPipeline,
      noTesting,
      [[...FRAMEWORK, 'onnxruntime-node'], 'pre/post-processing is pure: no framework, no onnxruntime'],
      [NON_PURE_LIBS, 'pre/post-processing is pure'],
    ),
  },
  // no app imports another
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: forbid(
      [
        APPS.filter((a) => a !== app).flatMap((a) => [`**/${a}/src`, `**/${a}/src/**`, `**/apps/${a}/**`]),
        'no app imports another: shared code lives in a library',
      ],
      [['**/libs/*/src/**', '../../../libs/**'], 'import libraries by their @nidus/ alias'],
    ),
  })),
  // CT perfusion is one analysis among others: nothing outside its folder branches on its id
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    // (and the shipped configuration defaults: the default stroke alert rule names it)
    ignores: ['libs/analyses/ctp/**', 'libs/config/src/sections/alerts.schema.ts', ...TESTS],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "Literal[value='ctp']", message: 'only libs/analyses/ctp names CT perfusion; elsewhere go through the Analysis contract' },
      ],
    },
  },
);
