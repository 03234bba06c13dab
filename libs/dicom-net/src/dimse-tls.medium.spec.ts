import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SopClass, TransferSyntaxUIDs } from '@nidus/dicom';
import { createTestPki, TestCertificate, TestPki, runTool, startStorescp, StorescpHandle, syntheticCtFiles } from '@nidus/testing';
import { AssociationAbortedError, TlsHandshakeError } from './dicom-net.errors';
import { DimseClient } from './dimse-client';
import { DimseServer, DimseServerOptions } from './dimse-server';
import { DimseStatus } from './dimse-status';
import { DimseTlsServerOptions } from './dimse-tls';
import { DirectoryStoreHandler } from './directory-store-handler';
import { readPart10Layout } from './file-meta';
import { encodeAssociateRq } from './pdu.codec';
import { DICOM_APPLICATION_CONTEXT } from './pdu.types';
import type { AssociationInfo } from './scp-association';
import { storeInstances } from './store-instances';

// Medium: certificates from openssl, dcmtk's storescu and storescp with +tls (PS3.15 B.9 / B.10 profiles).
const U = TransferSyntaxUIDs;
const ECHO = [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [U.ImplicitVRLittleEndian] }];

let pki: TestPki;
let serverCert: TestCertificate;
let pacsCert: TestCertificate;
let strangerPki: TestPki;
let strangerCert: TestCertificate;

beforeAll(() => {
  pki = createTestPki('dimse');
  serverCert = pki.issue('nidus', { server: true });
  pacsCert = pki.issue('pacs', { commonName: 'PACS' });
  strangerPki = createTestPki('stranger');
  strangerCert = strangerPki.issue('stranger', { server: true });
});

afterAll(() => {
  pki.remove();
  strangerPki.remove();
});

function dataSetOf(file: Buffer): Buffer {
  return file.subarray(readPart10Layout(file).dataSetOffset);
}

function storedFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.dcm') || /^[A-Z]{2}\./.test(f));
}

describe(`${DimseServer.name} over TLS`, () => {
  let dir: string;
  let files: string[];
  let server: DimseServer;
  let port: number;
  let established: AssociationInfo[];
  let tlsErrors: string[];

  async function start(tls: Partial<DimseTlsServerOptions> = {}, options: Partial<DimseServerOptions> = {}): Promise<void> {
    server = new DimseServer({
      aeTitle: 'NIDUS',
      storeHandler: new DirectoryStoreHandler(join(dir, 'in')),
      transferSyntaxes: Object.values(U),
      tls: { cert: serverCert.cert, key: serverCert.key, ...tls },
      ...options,
    });
    established = [];
    tlsErrors = [];
    server.on('established', (info) => established.push(info));
    server.on('tlsError', ({ error }) => tlsErrors.push(error.message));
    port = await server.listen(0, '127.0.0.1');
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-tls-scp-'));
    mkdirSync(join(dir, 'in'));
    files = syntheticCtFiles({ count: 3, rows: 32, columns: 32 }).map((bytes, i) => {
      const path = join(dir, `ct${i}.dcm`);
      writeFileSync(path, bytes);
      return path;
    });
  });

  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const storescu = (tlsArgs: string[]) => runTool('storescu', [...tlsArgs, '-aet', 'PACS', '-aec', 'NIDUS', '127.0.0.1', String(port), ...files]);

  it('stores what storescu +tls sends, byte for byte, and tells the association it ran over TLS', async () => {
    await start();
    const result = await storescu(['+tls', pacsCert.keyFile, pacsCert.certFile, '+cf', pki.ca.certFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const stored = storedFiles(join(dir, 'in'));
    expect(stored).toHaveLength(3);
    const sent = new Set(files.map((f) => dataSetOf(readFileSync(f)).toString('base64')));
    for (const name of stored) expect(sent.has(dataSetOf(readFileSync(join(dir, 'in', name))).toString('base64'))).toBe(true);
    expect(established[0].tls).toMatchObject({ protocol: expect.stringMatching(/^TLSv1\.[23]$/), cipher: expect.stringMatching(/GCM|CHACHA20/) });
    expect(established[0].tls?.certificateSubject).toBeUndefined(); // not mutual: the certificate was not asked for
  });

  it('refuses plain DICOM on the TLS port: storescu without +tls fails, a raw A-ASSOCIATE-RQ gets no answer', async () => {
    await start();
    const plain = await storescu([]);
    expect(plain.code).not.toBe(0);
    const raw = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    raw.on('data', (d: Buffer) => received.push(d));
    raw.on('error', () => undefined);
    raw.write(
      encodeAssociateRq({
        protocolVersion: 1,
        calledAETitle: 'NIDUS',
        callingAETitle: 'RAW',
        applicationContext: DICOM_APPLICATION_CONTEXT,
        presentationContexts: [{ id: 1, abstractSyntax: SopClass.CTImageStorage, transferSyntaxes: [U.ExplicitVRLittleEndian] }],
        userInformation: { maxPduLength: 16384 },
      }),
    );
    await new Promise((r) => raw.on('close', r));
    const answer = Buffer.concat(received);
    // nothing, or a TLS alert record (content type 21): never an A-ASSOCIATE-AC (PDU type 2)
    expect(answer.length === 0 || answer[0] === 0x15).toBe(true);
    expect(storedFiles(join(dir, 'in'))).toHaveLength(0);
    expect(established).toHaveLength(0);
    expect(tlsErrors.length).toBeGreaterThanOrEqual(2);
    expect(server.getStats().tlsHandshakesFailed).toBe(tlsErrors.length);
  });

  it('with mutual TLS refuses a peer without a certificate or with one from another CA, and names the one it accepts', async () => {
    await start({ ca: pki.ca.cert, requireClientCertificate: true });
    const anonymous = await storescu(['+tla', '+cf', pki.ca.certFile]);
    expect(anonymous.code).not.toBe(0);
    const foreign = await storescu(['+tls', strangerCert.keyFile, strangerCert.certFile, '+cf', pki.ca.certFile]);
    expect(foreign.code).not.toBe(0);
    expect(storedFiles(join(dir, 'in'))).toHaveLength(0);
    expect(established).toHaveLength(0);
    const trusted = await storescu(['+tls', pacsCert.keyFile, pacsCert.certFile, '+cf', pki.ca.certFile]);
    expect(trusted.code).toBe(0);
    expect(storedFiles(join(dir, 'in'))).toHaveLength(3);
    expect(established[0].tls).toMatchObject({
      certificateSubject: 'PACS',
      certificateFingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
    });
  });

  it('accepts a bound calling AE title only from its addresses, over TLS as in the clear', async () => {
    await start({}, { callingAETitleAddresses: { PACS: ['10.20.0.0/16'], LOCAL: ['127.0.0.1'] } });
    const client = (callingAETitle: string) =>
      DimseClient.associate({ host: '127.0.0.1', port, calledAETitle: 'NIDUS', callingAETitle, presentationContexts: ECHO, tls: { ca: pki.ca.cert } });
    await expect(client('PACS')).rejects.toMatchObject({ result: 1, source: 1, reason: 3 });
    const local = await client('LOCAL');
    expect((await local.echo()).status).toBe(DimseStatus.Success);
    await local.release();
    const unbound = await client('ANYONE'); // not bound: the other checks alone decide
    await unbound.release();
  });

  it('refuses a server configured for mutual TLS without the CA to check clients by', () => {
    expect(
      () =>
        new DimseServer({
          aeTitle: 'N',
          storeHandler: new DirectoryStoreHandler(dir),
          transferSyntaxes: [],
          tls: { cert: serverCert.cert, key: serverCert.key, requireClientCertificate: true },
        }),
    ).toThrow('mutual TLS needs the CA');
  });
});

describe(`${DimseClient.name} over TLS`, () => {
  let dir: string;
  let storescp: StorescpHandle | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-tls-scu-'));
  });

  afterEach(async () => {
    await storescp?.stop();
    storescp = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const tlsStorescp = (peer: string[] = []) =>
    startStorescp(dir, { extraArgs: ['+tls', serverCert.keyFile, serverCert.certFile, '+cf', pki.ca.certFile, ...peer] });

  it('delivers to storescp +tls with mutual TLS: every instance stored, byte for byte', async () => {
    storescp = await tlsStorescp();
    const files = syntheticCtFiles({ count: 4, rows: 32, columns: 32 });
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', files, {
      tls: { ca: pki.ca.cert, cert: pacsCert.cert, key: pacsCert.key },
    });
    expect(outcomes.map((o) => o.status)).toEqual([0, 0, 0, 0]);
    const stored = readdirSync(dir).filter((f) => f.startsWith('CT'));
    expect(stored).toHaveLength(4);
    const sent = new Set(files.map((f) => dataSetOf(f).toString('base64')));
    for (const name of stored) expect(sent.has(dataSetOf(readFileSync(join(dir, name))).toString('base64'))).toBe(true);
  });

  it('is refused by storescp +tls that requires a client certificate when it has none', async () => {
    storescp = await tlsStorescp();
    const [outcome] = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', syntheticCtFiles({ count: 1 }), {
      tls: { ca: pki.ca.cert },
    });
    expect(outcome.status).toBeUndefined();
    // TLS 1.2 fails in the handshake; TLS 1.3 right after it, when the server finds no certificate: both are TLS refusals
    expect(outcome.error).toBeInstanceOf(TlsHandshakeError);
    expect((outcome.error as TlsHandshakeError).code).toMatch(/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/);
    expect(readdirSync(dir).filter((f) => f.startsWith('CT'))).toHaveLength(0);
  });

  it('delivers without a client certificate to storescp that only verifies one if present', async () => {
    storescp = await tlsStorescp(['-vc']);
    const outcomes = await storeInstances('127.0.0.1', storescp.port, storescp.aeTitle, 'NIDUS', syntheticCtFiles({ count: 2 }), { tls: { ca: pki.ca.cert } });
    expect(outcomes.map((o) => o.status)).toEqual([0, 0]);
  });

  it('does not talk to a peer whose certificate its CA did not sign, nor to one whose name does not match', async () => {
    storescp = await tlsStorescp(['-vc']);
    const untrusted = await DimseClient.associate({
      host: '127.0.0.1',
      port: storescp.port,
      calledAETitle: storescp.aeTitle,
      callingAETitle: 'NIDUS',
      presentationContexts: ECHO,
      tls: { ca: strangerPki.ca.cert },
    }).catch((e: unknown) => e);
    expect(untrusted).toBeInstanceOf(TlsHandshakeError);
    expect((untrusted as TlsHandshakeError).code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
    const misnamed = await DimseClient.associate({
      host: '127.0.0.1',
      port: storescp.port,
      calledAETitle: storescp.aeTitle,
      callingAETitle: 'NIDUS',
      presentationContexts: ECHO,
      tls: { ca: pki.ca.cert, servername: 'pacs.example.org' },
    }).catch((e: unknown) => e);
    expect(misnamed).toBeInstanceOf(TlsHandshakeError);
    expect((misnamed as TlsHandshakeError).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('stores into our own TLS SCP with mutual TLS, and fails over plain TCP to it', async () => {
    const server = new DimseServer({
      aeTitle: 'NIDUS',
      storeHandler: new DirectoryStoreHandler(dir),
      transferSyntaxes: Object.values(U),
      tls: { cert: serverCert.cert, key: serverCert.key, ca: pki.ca.cert, requireClientCertificate: true },
    });
    const port = await server.listen(0, '127.0.0.1');
    try {
      const outcomes = await storeInstances('127.0.0.1', port, 'NIDUS', 'PACS', syntheticCtFiles({ count: 3 }), {
        tls: { ca: pki.ca.cert, cert: pacsCert.cert, key: pacsCert.key },
      });
      expect(outcomes.map((o) => o.status)).toEqual([0, 0, 0]);
      const [plain] = await storeInstances('127.0.0.1', port, 'NIDUS', 'PACS', syntheticCtFiles({ count: 1 }), { connectTimeoutMs: 5000 });
      expect(plain.error).toBeInstanceOf(AssociationAbortedError);
    } finally {
      await server.close();
    }
  });
});
