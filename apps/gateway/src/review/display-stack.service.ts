import type { InstanceFileStore, SeriesEntity, StudyIndexRepository } from '@nidus/persistence';
import { InstanceHeaderReader } from '../dicomweb/instance-header.reader';
import { DisplayStack, displayStack } from './display-stack';

const CACHED_SERIES = 32;

/**
 * Display stacks of series, from their instances' headers; kept for the last few series while their instance
 * count stays the same (a series still receiving gets a new stack with each image).
 */
export class DisplayStackService {
  private readonly headers: InstanceHeaderReader;
  private readonly cache = new Map<string, { instanceCount: number; stack: Promise<DisplayStack> }>();

  constructor(
    private readonly index: StudyIndexRepository,
    store: InstanceFileStore,
  ) {
    this.headers = new InstanceHeaderReader(store);
  }

  stack(series: SeriesEntity): Promise<DisplayStack> {
    const cached = this.cache.get(series.SeriesInstanceUID);
    if (cached && cached.instanceCount === series.instanceCount) return cached.stack;
    const stack = this.build(series.SeriesInstanceUID);
    this.cache.delete(series.SeriesInstanceUID);
    this.cache.set(series.SeriesInstanceUID, { instanceCount: series.instanceCount, stack });
    stack.catch(() => this.cache.delete(series.SeriesInstanceUID));
    while (this.cache.size > CACHED_SERIES) this.cache.delete(this.cache.keys().next().value!);
    return stack;
  }

  private async build(SeriesInstanceUID: string): Promise<DisplayStack> {
    const instances = await this.index.seriesInstances(SeriesInstanceUID);
    const headers = [];
    for (let i = 0; i < instances.length; i += 16) headers.push(...(await Promise.all(instances.slice(i, i + 16).map((x) => this.headers.dataset(x)))));
    return displayStack(SeriesInstanceUID, headers);
  }
}
