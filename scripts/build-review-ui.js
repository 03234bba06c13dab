#!/usr/bin/env node
// Bundles the review page (apps/gateway/ui) with esbuild into dist/ui: app.js (with cornerstone-core, nothing from a
// CDN), app.css and index.html. Run by `npm run build` and `prepare` (so `npm ci` builds it).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const source = path.join(root, 'apps', 'gateway', 'ui');
const out = path.join(root, 'dist', 'ui');

async function main() {
  fs.mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(source, 'main.ts')],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'app.css']) fs.copyFileSync(path.join(source, file), path.join(out, file));
}

main().catch((error) => {
  process.stderr.write(`review page build failed: ${error.message}\n`);
  process.exit(1);
});
