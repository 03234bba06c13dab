/** Tensor layouts of image models: where the batch, channel and spatial dimensions are. */
export type TensorLayout = 'NCHW' | 'NHWC' | 'NCDHW' | 'NDHWC';

export interface LayoutAxes {
  batch: number;
  channel: number;
  /** positions of the spatial dimensions, in layout order */
  spatial: number[];
  rank: number;
}

export function layoutAxes(layout: TensorLayout): LayoutAxes {
  const batch = layout.indexOf('N');
  const channel = layout.indexOf('C');
  const spatial = [...layout].map((letter, i) => (letter === 'N' || letter === 'C' ? -1 : i)).filter((i) => i >= 0);
  return { batch, channel, spatial, rank: layout.length };
}

/** 2 for NCHW / NHWC, 3 for NCDHW / NDHWC. */
export function spatialRank(layout: TensorLayout): 2 | 3 {
  return layout.length === 5 ? 3 : 2;
}
