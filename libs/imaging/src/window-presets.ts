import type { Window } from './voi-lut';

/**
 * Named CT windows (centre / width in HU), as radiology departments commonly set them for head and chest CT.
 * `stroke` is the narrow brain window used to look for early ischaemic change.
 */
export const windowPresets = {
  brain: { center: 40, width: 80 },
  stroke: { center: 40, width: 40 },
  subdural: { center: 75, width: 215 },
  bone: { center: 600, width: 2800 },
  lung: { center: -600, width: 1500 },
  softTissue: { center: 50, width: 400 },
} as const satisfies Record<string, Window>;

export type WindowPresetName = keyof typeof windowPresets;
