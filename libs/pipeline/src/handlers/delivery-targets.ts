import type { NidusConfig } from '@nidus/config';
import { CStoreTarget, DeliveryTarget, StowRsTarget } from '@nidus/delivery';

/** The configured delivery targets as clients, by id. Secrets are revealed here, where they go to the client. */
export function createDeliveryTargets(config: NidusConfig): Map<string, DeliveryTarget> {
  const targets = new Map<string, DeliveryTarget>();
  for (const t of config.delivery.targets) {
    const target =
      t.type === 'stow-rs'
        ? new StowRsTarget({ id: t.id, baseUrl: t.url, authorization: t.authorization?.reveal() })
        : new CStoreTarget({
            id: t.id,
            host: t.host,
            port: t.port,
            calledAETitle: t.calledAETitle,
            callingAETitle: t.callingAETitle ?? config.dicom.aeTitle,
            tls: t.tls && {
              ca: t.tls.ca?.reveal(),
              cert: t.tls.cert?.reveal(),
              key: t.tls.key?.reveal(),
              passphrase: t.tls.passphrase?.reveal(),
              servername: t.tls.servername,
            },
          });
    targets.set(t.id, target);
  }
  return targets;
}
