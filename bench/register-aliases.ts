// Resolves @nidus/<lib> to the compiled dist/libs/<lib>/src at run time, as bin/nidus.js does for the CLI
// (jest's moduleNameMapper does it in tests). Imported first by every bench and script run from dist/.
import * as path from 'node:path';
import Module = require('node:module');

const dist = path.join(__dirname, '..');
const moduleWithResolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request.startsWith('@nidus/')) {
    request = path.join(dist, 'libs', ...request.slice('@nidus/'.length).split('/'), 'src');
  }
  return resolve.call(this, request, ...rest);
};
