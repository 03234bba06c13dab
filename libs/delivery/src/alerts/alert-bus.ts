import { EventEmitter } from 'node:events';
import Redis from 'ioredis';
import type { AlertView } from './alert-view';

export type AlertEventType = 'alert.raised' | 'alert.paged' | 'alert.acknowledged';

/** What dashboards are told, as it happens. */
export interface AlertEvent {
  type: AlertEventType;
  at: string;
  alert: AlertView;
}

export type AlertListener = (event: AlertEvent) => void;

/** Carries alert events from the process that raises them (worker) to those that stream them (gateway). */
export interface AlertEventBus {
  publish(event: AlertEvent): Promise<void>;
  /** returns the unsubscribe function */
  subscribe(listener: AlertListener): () => void;
  /** resolves once events published from now on will reach subscribers */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** One process (the CLI's embedded mode, unit tests). */
export class InMemoryAlertBus implements AlertEventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(event: AlertEvent): Promise<void> {
    this.emitter.emit('event', event);
  }

  subscribe(listener: AlertListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/**
 * Redis publish/subscribe on `<prefix>:alert-events`: every gateway sees what any worker raised.
 * Events are a live feed; the database stays the record (dashboards load open alerts on connect).
 */
export class RedisAlertBus implements AlertEventBus {
  private readonly publisher: Redis;
  private subscriber: Redis | null = null;
  private subscribed: Promise<void> | null = null;
  private readonly local = new InMemoryAlertBus();
  readonly channel: string;

  constructor(
    private readonly redisUrl: string,
    prefix = 'nidus',
  ) {
    this.channel = `${prefix}:alert-events`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
    this.publisher.on('error', () => undefined); // health reports Redis; publishing failures are logged by callers
  }

  async publish(event: AlertEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(event));
  }

  subscribe(listener: AlertListener): () => void {
    this.ensureSubscribed();
    return this.local.subscribe(listener);
  }

  ready(): Promise<void> {
    return this.ensureSubscribed();
  }

  private ensureSubscribed(): Promise<void> {
    if (!this.subscribed) {
      const subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
      subscriber.on('error', () => undefined); // ioredis reconnects and re-subscribes by itself
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== this.channel) return;
        try {
          void this.local.publish(JSON.parse(message) as AlertEvent);
        } catch {
          // not ours: ignore
        }
      });
      this.subscriber = subscriber;
      this.subscribed = subscriber.subscribe(this.channel).then(() => undefined);
    }
    return this.subscribed;
  }

  async close(): Promise<void> {
    await this.local.close();
    await Promise.all([this.publisher.quit().catch(() => undefined), this.subscriber?.quit().catch(() => undefined)]);
  }
}
