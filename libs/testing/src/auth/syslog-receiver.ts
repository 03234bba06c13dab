import { createSocket, Socket as UdpSocket } from 'node:dgram';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer, TlsOptions } from 'node:tls';

/**
 * A syslog collector for tests on a loopback port: UDP (one message per datagram) or TCP/TLS with RFC 6587 /
 * RFC 5425 octet-counting frames, parsed strictly (a bad frame fails the test through `errors`).
 */
export class SyslogReceiver {
  readonly messages: Buffer[] = [];
  readonly errors: string[] = [];
  private server?: Server;
  private udp?: UdpSocket;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly transport: 'udp' | 'tcp' | 'tls',
    private readonly tls?: TlsOptions,
  ) {}

  async start(port = 0): Promise<number> {
    if (this.transport === 'udp') {
      this.udp = createSocket('udp4');
      this.udp.on('message', (m) => this.messages.push(m));
      await new Promise<void>((resolve) => this.udp!.bind(port, '127.0.0.1', resolve));
      this.port = this.udp.address().port;
      return this.port;
    }
    const onSocket = (socket: Socket) => this.read(socket);
    this.server = this.transport === 'tls' ? createTlsServer(this.tls!, onSocket) : createServer(onSocket);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.udp) await new Promise<void>((resolve) => this.udp!.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`received ${this.messages.length} of ${count} syslog messages`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.messages;
  }

  private read(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) return;
        const lengthText = buffer.subarray(0, space).toString('ascii');
        if (!/^[1-9][0-9]*$/.test(lengthText)) {
          this.errors.push(`bad frame length ${JSON.stringify(lengthText)}`);
          socket.destroy();
          return;
        }
        const length = Number(lengthText);
        if (buffer.length < space + 1 + length) return;
        this.messages.push(buffer.subarray(space + 1, space + 1 + length));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
  }
}
