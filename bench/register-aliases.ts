// Resolves @nidus/<lib> to the compiled dist/libs/<lib>/src at run time, as bin/nidus.js does for the CLI
// (jest's moduleNameMapper does it in tests). Imported first by every bench and script run from dist/.
import * as path from 'node:path';
import Module = require('node:module');

const dist = path.join(__dirname, '..');
const moduleWithResolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request.startsWith('@nidus/')) {
    const [lib, ...sub] = request.slice('@nidus/'.length).split('/');
    request = path.join(dist, 'libs', lib, 'src', ...sub);
  }
  return resolve.call(this, request, ...rest);
};
