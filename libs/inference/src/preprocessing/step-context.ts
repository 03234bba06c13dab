import type { ModelSource } from './model-source';

/** What a step may read besides the grid: the source images, and which slice a 2D item is. */
export interface StepContext {
  modelId: string;
  source: ModelSource;
  /** the source slice of a 2D item (consumes image or slices); absent for volumes */
  slice?: number;
  /** the source slice of each plane, when the grid is not the item's own (a lookup table being built) */
  planes?: number[];
}

/** The source slices the grid's planes hold (before any geometric step): one for a 2D item, all for a volume. */
export function slicesOf(context: StepContext, planes: number): number[] {
  if (context.planes) return context.planes;
  return context.slice !== undefined ? [context.slice] : Array.from({ length: planes }, (_, z) => z);
}
