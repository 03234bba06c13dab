#!/usr/bin/env node
// Entry of the `nidus` command: runs the compiled CLI, resolving @nidus/<lib> to dist/libs/<lib>/src.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');

const dist = path.join(__dirname, '..', 'dist');
const main = path.join(dist, 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('nidus: not built yet; run `npm run build` (npm ci runs it for you)\n');
  process.exit(1);
}
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@nidus/')) {
    const [lib, ...sub] = request.slice('@nidus/'.length).split('/');
    request = path.join(dist, 'libs', lib, 'src', ...sub);
  }
  return resolve.call(this, request, ...rest);
};
require(main);
