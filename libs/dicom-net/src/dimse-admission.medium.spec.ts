import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SopClass, TransferSyntaxUIDs } from '@nidus/dicom';
import { runTool, syntheticCtFiles } from '@nidus/testing';
import { DimseClient } from './dimse-client';
import { DimseServer, DimseServerOptions } from './dimse-server';
import { DirectoryStoreHandler } from './directory-store-handler';
import { encodeAssociateRq, encodePDataHeader, encodeReleaseRq } from './pdu.codec';
import { DICOM_APPLICATION_CONTEXT, RejectReason, RejectResult, RejectSource } from './pdu.types';

const U = TransferSyntaxUIDs;
const VERIFICATION = '1.2.840.10008.1.1';
const LOCAL_LIMIT = { result: RejectResult.Transient, source: RejectSource.ServiceProviderPresentation, reason: RejectReason.Presentation.LocalLimitExceeded };

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw TCP peer that records what it receives and when it was closed. */
function rawPeer(port: number, allowHalfOpen = false): { socket: Socket; received: Buffer[]; closed: Promise<number> } {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen });
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const received: Buffer[] = [];
  socket.on('data', (d) => received.push(d));
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  return { socket, received, closed };
}

function associateRq(callingAETitle: string): Buffer {
  return encodeAssociateRq({
    protocolVersion: 1,
    calledAETitle: 'NIDUS',
    callingAETitle,
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: [{ id: 1, abstractSyntax: SopClass.CTImageStorage, transferSyntaxes: [U.ExplicitVRLittleEndian] }],
    userInformation: { maxPduLength: 16384 },
  });
}

function echoAssociation(port: number, callingAETitle: string): Promise<DimseClient> {
  return DimseClient.associate({
    host: '127.0.0.1',
    port,
    calledAETitle: 'NIDUS',
    callingAETitle,
    presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [U.ImplicitVRLittleEndian] }],
  });
}

describe(`${DimseServer.name} admission and timeouts`, () => {
  let dir: string;
  let server: DimseServer;
  let port: number;
  const files: string[] = [];
  const sockets: Socket[] = [];
  const clients: DimseClient[] = [];

  async function start(options: Partial<DimseServerOptions> = {}): Promise<void> {
    server = new DimseServer({ aeTitle: 'NIDUS', storeHandler: new DirectoryStoreHandler(dir), transferSyntaxes: Object.values(U), ...options });
    port = await server.listen(0, '127.0.0.1');
  }

  function ctFiles(count: number): string[] {
    return syntheticCtFiles({ count, rows: 128, columns: 128 }).map((f, i) => {
      const p = join(dir, `..${process.pid}-${files.length}-${i}.src`);
      writeFileSync(p, f);
      files.push(p);
      return p;
    });
  }

  function storescu(aeTitle: string, paths: string[]) {
    return runTool('storescu', ['-aet', aeTitle, '-aec', 'NIDUS', '127.0.0.1', String(port), ...paths], { timeoutMs: 20_000 });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-admission-'));
  });

  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.destroy());
    clients.splice(0).forEach((c) => c.abort());
    await server?.close();
    files.splice(0).forEach((f) => rmSync(f, { force: true }));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets storescu from the PACS in promptly past 80 silent TCP connections, and still times those out (ARTIM)', async () => {
    await start({ artimTimeoutMs: 4000 });
    const silent = Array.from({ length: 80 }, () => rawPeer(port));
    sockets.push(...silent.map((p) => p.socket));
    await until(async () => (await server.connectionCount()) >= 64);
    const t0 = Date.now();
    const result = await storescu('PACS', ctFiles(3));
    const took = Date.now() - t0;
    expect(result.code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.dcm'))).toHaveLength(3);
    expect(took).toBeLessThan(3000); // before: refused for 30 s (72 sockets at most, ARTIM 30 s)
    // the oldest silent ones gave way (at most 64 wait at once), and ARTIM closes the rest
    const opened = Date.now();
    const closedAt = await Promise.all(silent.map((p) => p.closed));
    expect(Math.max(...closedAt) - opened).toBeLessThan(4000 + 1500);
    expect(Math.max(...closedAt) - opened).toBeGreaterThan(1000);
  });

  it('keeps the reserve for the known AE while an unknown sender holds every other slot idle', async () => {
    await start({ maxAssociations: 8, reservedAssociations: 2, reservedCallingAETitles: ['PACS'] });
    for (let i = 0; i < 6; i++) clients.push(await echoAssociation(port, `INTRUDER${i}`));
    const refused = await echoAssociation(port, 'INTRUDER6').catch((e) => e);
    expect(refused).toMatchObject(LOCAL_LIMIT);
    // two at once from the PACS: both slots of the reserve
    const results = await Promise.all([storescu('PACS', ctFiles(2)), storescu('PACS', ctFiles(2))]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.dcm'))).toHaveLength(4);
    // the reserve is part of maxAssociations: with it taken too, the PACS is refused the same way
    clients.push(await echoAssociation(port, 'PACS'), await echoAssociation(port, 'PACS'));
    expect(await echoAssociation(port, 'PACS').catch((e) => e)).toMatchObject(LOCAL_LIMIT);
  });

  it('rejects the N+1th association of one calling AE title, and of one address, as local limit exceeded', async () => {
    await start({ maxAssociationsPerCallingAETitle: 2, maxAssociationsPerAddress: 3, reservedCallingAETitles: ['PACS'] });
    clients.push(await echoAssociation(port, 'MODALITY'), await echoAssociation(port, 'MODALITY'));
    expect(await echoAssociation(port, 'MODALITY').catch((e) => e)).toMatchObject(LOCAL_LIMIT);
    // dcmtk sees the same rejection
    const echo = await runTool('echoscu', ['-aet', 'MODALITY', '-aec', 'NIDUS', '127.0.0.1', String(port)]);
    expect(echo.code).not.toBe(0);
    expect(echo.stderr + echo.stdout).toMatch(/Transient|local-limit-exceeded|Local limit exceeded/i);
    // a third AE from the same address fills the address's three; a fourth is refused, the known AE is not
    clients.push(await echoAssociation(port, 'OTHER'));
    expect(await echoAssociation(port, 'FOURTH').catch((e) => e)).toMatchObject(LOCAL_LIMIT);
    const pacs = await echoAssociation(port, 'PACS');
    expect((await pacs.echo()).status).toBe(0);
    await pacs.release();
    // a slot given back is free again
    await clients.shift()!.release();
    await until(() => server.activeAssociations === 2);
    const again = await echoAssociation(port, 'MODALITY');
    clients.push(again);
    expect((await again.echo()).status).toBe(0);
  });

  it('aborts a sender whose P-DATA PDU trickles in past the PDU timeout, and a trickled A-ASSOCIATE-RQ at ARTIM', async () => {
    await start({ pduTimeoutMs: 600, artimTimeoutMs: 1000, idleTimeoutMs: 60_000 });
    const closedReason = new Promise<string>((resolve) => server.once('closed', (_info, reason) => resolve(reason)));
    const peer = rawPeer(port);
    sockets.push(peer.socket);
    peer.socket.write(associateRq('TRICKLE'));
    await until(() => peer.received.length > 0);
    expect(peer.received[0][0]).toBe(0x02); // A-ASSOCIATE-AC
    // one P-DATA-TF of 4 kB (a command fragment, so nothing is refused before it is whole), sent 4 bytes every
    // 20 ms: never idle, never whole
    const pdu = Buffer.concat([encodePDataHeader(1, true, false, 4096), Buffer.alloc(4096, 7)]);
    const t0 = Date.now();
    let sent = 0;
    const timer = setInterval(() => {
      if (!peer.socket.destroyed) peer.socket.write(pdu.subarray(sent, sent + 4));
      sent += 4;
    }, 20);
    const closed = await peer.closed;
    clearInterval(timer);
    expect(closed - t0).toBeGreaterThanOrEqual(550);
    expect(closed - t0).toBeLessThan(2500);
    expect(await closedReason).toBe('timeout');
    // an A-ABORT from the service provider came before the close
    expect(Buffer.concat(peer.received).subarray(-10)[0]).toBe(0x07);
    expect(server.getStats().associationsAborted).toBe(1);

    // the A-ASSOCIATE-RQ itself trickled, a byte every 50 ms: cut as well (PDU timeout, and ARTIM behind it)
    const slow = rawPeer(port);
    sockets.push(slow.socket);
    const rq = associateRq('SLOWRQ');
    const t1 = Date.now();
    let at = 0;
    const rqTimer = setInterval(() => {
      if (at < rq.length - 1 && !slow.socket.destroyed) slow.socket.write(rq.subarray(at, at + 1));
      at++;
    }, 50);
    const slowClosed = await slow.closed;
    clearInterval(rqTimer);
    expect(slowClosed - t1).toBeLessThan(2500);
    expect(slow.received).toHaveLength(0); // never associated
  });

  it('lets a large data set through whole with a short PDU timeout, and bounds the wait after A-RELEASE-RP by ARTIM', async () => {
    await start({ pduTimeoutMs: 1000, artimTimeoutMs: 700 });
    const [big] = syntheticCtFiles({ count: 1, rows: 1024, columns: 1024 }); // 2 MB in many PDUs
    const path = join(dir, `..${process.pid}-big.src`);
    writeFileSync(path, big);
    files.push(path);
    expect((await storescu('PACS', [path])).code).toBe(0);
    // a peer that asks to release and then keeps its end open: closed at ARTIM
    const peer = rawPeer(port, true);
    sockets.push(peer.socket);
    peer.socket.write(associateRq('LINGER'));
    await until(() => peer.received.length > 0);
    const t0 = Date.now();
    peer.socket.write(encodeReleaseRq());
    await until(() => Buffer.concat(peer.received).includes(Buffer.from([0x06, 0x00])));
    // (half open, the peer sees only our side end, and after the RP's FIN nothing more)
    const gone = await new Promise<number>((resolve) => {
      const check = setInterval(async () => {
        if ((await server.connectionCount()) === 0) {
          clearInterval(check);
          resolve(Date.now());
        }
      }, 20);
    });
    expect(gone - t0).toBeGreaterThanOrEqual(600);
    expect(gone - t0).toBeLessThan(2500);
  });
});
