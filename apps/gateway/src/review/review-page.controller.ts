import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';

/** The review page's CSP: its own script, style and images, requests to this server only. */
export const REVIEW_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The folder `npm run build` bundles the page into (dist/ui under the project root). */
export function reviewUiDir(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'ui');
}

/**
 * The review page (apps/gateway/ui, bundled by esbuild into dist/ui): one HTML shell for each of its addresses,
 * and its script and style. Public: they hold no patient data; everything the page shows it reads from the API
 * with the user's credential.
 */
@Controller()
export class ReviewPageController {
  private readonly dir = reviewUiDir();
  private readonly files = new Map<string, Buffer>();

  private file(name: string): Buffer {
    let bytes = this.files.get(name);
    if (!bytes) {
      const path = join(this.dir, name);
      if (!existsSync(path)) throw new NotFoundException(`the review page is not built (${name}): run npm run build`);
      bytes = readFileSync(path);
      this.files.set(name, bytes);
    }
    return bytes;
  }

  private shell(res: Response): void {
    const body = this.file('index.html');
    res.status(200).set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': REVIEW_PAGE_CSP });
    res.end(body);
  }

  @Get()
  root(@Res() res: Response): void {
    res.redirect(302, '/worklist');
  }

  @Get('worklist')
  worklist(@Res() res: Response): void {
    this.shell(res);
  }

  @Get('studies/:study')
  study(@Res() res: Response): void {
    this.shell(res);
  }

  @Get('alerts/:id')
  alert(@Res() res: Response): void {
    this.shell(res);
  }

  @Get('models')
  models(@Res() res: Response): void {
    this.shell(res);
  }

  @Get('ui/:file')
  asset(@Param('file') name: string, @Res() res: Response): void {
    const type = ASSETS[name];
    if (!type) throw new NotFoundException();
    res.status(200).set({ 'Content-Type': type, 'Cache-Control': 'no-cache' });
    res.end(this.file(name));
  }
}
