import { createSocket, Socket as UdpSocket } from 'node:dgram';
import { isIP, connect as tcpConnect, Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import type { AuditEvent } from './audit-event';
import type { AuditSink } from './audit.sink';
import { AuditPayloadFormat, octetCountedFrame, syslogMessage, SyslogHeader } from './syslog-message';

export interface SyslogForwarderOptions {
  /** udp (RFC 5426), tcp (RFC 6587 octet counting) or tls (RFC 5425) */
  transport: 'udp' | 'tcp' | 'tls';
  host: string;
  port: number;
  format?: AuditPayloadFormat;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; servername?: string };
  header?: SyslogHeader;
  /** messages held while the collector is unreachable; the oldest are dropped past it (default 10 000) */
  maxQueue?: number;
  reconnectDelayMs?: number;
  onError?: (error: Error) => void;
}

export interface SyslogForwarderStats {
  sent: number;
  dropped: number;
  errors: number;
  queued: number;
}

/**
 * Sends audit events to a syslog collector (an ATNA audit record repository). A copy, not the record:
 * record() queues and returns at once; while the collector is away the queue holds the newest maxQueue
 * messages and the connection is retried.
 */
export class SyslogForwarder implements AuditSink {
  private readonly queue: Buffer[] = [];
  private readonly header: SyslogHeader;
  private socket?: Socket;
  private udp?: UdpSocket;
  private connected = false;
  private connecting = false;
  private pumping = false;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private idleWaiters: (() => void)[] = [];
  private readonly counts = { sent: 0, dropped: 0, errors: 0 };

  constructor(private readonly options: SyslogForwarderOptions) {
    this.header = { hostname: hostname(), procId: process.pid, ...options.header };
  }

  async record(event: AuditEvent): Promise<void> {
    if (this.closed) return;
    const message = syslogMessage(event, this.options.format ?? 'xml', this.header);
    this.queue.push(this.options.transport === 'udp' ? message : octetCountedFrame(message));
    while (this.queue.length > (this.options.maxQueue ?? 10_000)) {
      this.queue.shift();
      this.counts.dropped++;
    }
    this.pump();
  }

  get stats(): SyslogForwarderStats {
    return { ...this.counts, queued: this.queue.length };
  }

  /** Resolves when every queued message has been handed to the socket, or after timeoutMs. */
  flush(timeoutMs = 5000): Promise<void> {
    if (this.queue.length === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiters.push(done);
    });
  }

  async close(): Promise<void> {
    await this.flush(2000);
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.socket) await new Promise<void>((resolve) => this.socket!.end(resolve));
    this.socket?.destroy();
    if (this.udp) await new Promise<void>((resolve) => this.udp!.close(() => resolve()));
  }

  private pump(): void {
    if (this.pumping || this.closed || this.queue.length === 0) return;
    if (this.options.transport === 'udp') return void this.pumpUdp();
    if (!this.connected) return this.connect();
    this.pumping = true;
    const socket = this.socket!;
    while (this.queue.length && this.connected) {
      const frame = this.queue.shift()!;
      this.counts.sent++;
      if (!socket.write(frame)) {
        socket.once('drain', () => {
          this.pumping = false;
          this.pump();
        });
        return;
      }
    }
    this.pumping = false;
    this.settle();
  }

  private async pumpUdp(): Promise<void> {
    this.pumping = true;
    this.udp ??= createSocket(this.options.host.includes(':') ? 'udp6' : 'udp4').on('error', (error) => this.fail(error));
    while (this.queue.length && !this.closed) {
      const message = this.queue.shift()!;
      await new Promise<void>((resolve) =>
        this.udp!.send(message, this.options.port, this.options.host, (error) => {
          if (error) this.fail(error);
          else this.counts.sent++;
          resolve();
        }),
      );
    }
    this.pumping = false;
    this.settle();
  }

  private connect(): void {
    if (this.connecting || this.closed) return;
    this.connecting = true;
    const { host, port, tls } = this.options;
    const socket =
      this.options.transport === 'tls'
        ? tlsConnect({
            host,
            port,
            ca: tls?.ca,
            cert: tls?.cert,
            key: tls?.key,
            servername: tls?.servername ?? (isIP(host) ? undefined : host),
            minVersion: 'TLSv1.2',
          })
        : tcpConnect({ host, port });
    socket.setNoDelay(true);
    const ready = this.options.transport === 'tls' ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      this.connecting = false;
      this.connected = true;
      this.socket = socket;
      this.pump();
    });
    socket.on('error', (error) => this.fail(error));
    socket.once('close', () => {
      this.connecting = false;
      this.connected = false;
      this.pumping = false;
      if (this.socket === socket) this.socket = undefined;
      if (!this.closed) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.pump(), this.options.reconnectDelayMs ?? 1000);
        this.retryTimer.unref();
      }
    });
  }

  private fail(error: Error): void {
    this.counts.errors++;
    this.options.onError?.(error);
  }

  private settle(): void {
    if (this.queue.length) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }
}
