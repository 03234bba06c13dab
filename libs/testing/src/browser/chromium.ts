import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { PROJECT_ROOT } from '../process/nidus-process';

/** Debian's Chromium, as the review page's browser tests and benchmark drive it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumSession {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Chromium on a fresh profile (its own --user-data-dir, removed on close), offline but for the pages it is sent to. */
export async function launchChromium(options: { width?: number; height?: number } = {}): Promise<ChromiumSession> {
  // Loaded here, not at the top: every spec imports @nidus/testing, and playwright-core takes seconds to load.
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'nidus-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where browser tests keep their screenshots (gitignored test-artifacts/<name>). */
export function artifactDir(name: string): string {
  const dir = join(PROJECT_ROOT, 'test-artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
