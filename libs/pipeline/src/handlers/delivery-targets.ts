import type { NidusConfig } from '@nidus/config';
import { CStoreTarget, DeliveryTarget, StowRsTarget } from '@nidus/delivery';

/** The configured delivery targets as clients, by id. */
export function createDeliveryTargets(config: NidusConfig): Map<string, DeliveryTarget> {
  const targets = new Map<string, DeliveryTarget>();
  for (const t of config.delivery.targets) {
    const target =
      t.type === 'stow-rs'
        ? new StowRsTarget({ id: t.id, baseUrl: t.url, authorization: t.authorization })
        : new CStoreTarget({ id: t.id, host: t.host, port: t.port, calledAETitle: t.calledAETitle, callingAETitle: t.callingAETitle ?? config.dicom.aeTitle });
    targets.set(t.id, target);
  }
  return targets;
}
