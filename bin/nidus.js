#!/usr/bin/env node
// Entry of the `nidus` command. Resolves @nidus/<lib> to dist/libs/<lib>/src (@nidus/analyses/ctp to
// dist/libs/analyses/ctp/src), then starts the services named (each app's entry file exports its service:
// `serve` runs the gateway and a worker in one process) or hands the command line to the CLI app.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');

const dist = path.join(__dirname, '..', 'dist');
const app = (name) => path.join(dist, 'apps', name, 'src', 'main.js');
if (!fs.existsSync(app('cli'))) {
  process.stderr.write('nidus: not built yet; run `npm run build` (npm ci runs it for you)\n');
  process.exit(1);
}
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@nidus/')) request = path.join(dist, 'libs', ...request.slice('@nidus/'.length).split('/'), 'src');
  return resolve.call(this, request, ...rest);
};

const SERVICES = { serve: ['gateway', 'worker'], gateway: ['gateway'], worker: ['worker'] };
const command = process.argv[2];
if (Object.hasOwn(SERVICES, command) && !process.argv.slice(3).some((a) => a === '--help' || a === '-h')) {
  require('reflect-metadata');
  const { runServices, exitWith } = require('@nidus/runtime');
  const services = SERVICES[command].map((name) => require(app(name))[`${name}Service`]);
  runServices(services, process.env).catch((error) => exitWith(error));
} else {
  require(app('cli'));
}
