import type { NidusService } from '@nidus/runtime';
import { startGateway } from './gateway';

/** The gateway: HTTP (DICOMweb, REST API, health, metrics) and the DIMSE listener. `nidus gateway` runs it. */
export const gatewayService: NidusService = {
  name: 'gateway',
  start: async (context) => startGateway(context),
};
