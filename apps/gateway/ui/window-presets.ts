/** Window presets for CT in HU (center, width), as radiologists use them for head and stroke imaging. */
export const WINDOW_PRESETS: readonly { name: string; center: number; width: number }[] = [
  { name: 'Brain', center: 40, width: 80 },
  { name: 'Stroke', center: 32, width: 8 },
  { name: 'Subdural', center: 75, width: 215 },
  { name: 'Perfusion source', center: 60, width: 120 },
  { name: 'Soft tissue', center: 40, width: 400 },
  { name: 'Bone', center: 600, width: 2800 },
];
