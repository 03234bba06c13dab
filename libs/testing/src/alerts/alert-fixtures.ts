import pino from 'pino';
import { AlertsSection, alertsSectionSchema } from '@nidus/config';
import type { WebhookReceiver } from '../net/webhook-receiver';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const SECRET = 'stroke-team-shared-secret-0123456789';
/** the acknowledgement link secret of AlertHarness.ackLinks */
export const ACK_LINK_SECRET = 'acknowledgement-links-secret-0123456789';
export const silent = pino({ level: 'silent' });

/** A perfusion result as the contract has it (DESIGN.md). */
export function perfusionResult(core: number, hypo: number): Record<string, unknown> {
  const mismatch = hypo - core;
  const ratio = core > 0 ? hypo / core : null;
  return {
    coreVolumeMl: core,
    hypoperfusionVolumeMl: hypo,
    tmax10VolumeMl: hypo * 0.4,
    mismatchVolumeMl: mismatch,
    mismatchRatio: ratio,
    hypoperfusionIntensityRatio: hypo > 0 ? 0.4 : null,
    affectedHemisphere: hypo > 0 ? 'left' : null,
    eligibility: { defuse3: core < 70 && mismatch >= 15 && (ratio ?? Infinity) >= 1.8, extend: core < 70 && mismatch > 10 && (ratio ?? Infinity) > 1.2 },
    warnings: [],
  };
}

/** A team `stroke` with a three-step on-call chain on the receiver, acknowledge timeouts of `ackSeconds`. */
export function alertsConfig(receiver: WebhookReceiver, ackSeconds = 1, extra: Record<string, unknown> = {}): AlertsSection {
  return alertsSectionSchema.parse({
    publicBaseUrl: 'https://nidus.example.org/',
    teams: [
      {
        id: 'stroke',
        name: 'Stroke team',
        onCall: ['resident', 'attending', 'chief'].map((name) => ({ name, url: receiver.url(`/${name}`), secret: SECRET, ackTimeoutSeconds: ackSeconds })),
      },
    ],
    webhook: { timeoutSeconds: 2, attempts: 3, retryDelaySeconds: 0.05 },
    ...extra,
  });
}
