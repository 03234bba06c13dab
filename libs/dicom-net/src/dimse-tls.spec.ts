import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferSyntaxUIDs } from '@nidus/dicom';
import { DimseClient } from './dimse-client';
import { DimseServer } from './dimse-server';
import { AddressList, BCP195_CIPHERS, tlsClientOptions, tlsServerOptions } from './dimse-tls';
import { DirectoryStoreHandler } from './directory-store-handler';

describe(AddressList.name, () => {
  it('matches addresses and CIDR blocks of both families', () => {
    const list = new AddressList(['192.0.2.7', '10.20.0.0/16', '2001:db8:1::/48', '::1']);
    expect(list.allows('192.0.2.7')).toBe(true);
    expect(list.allows('192.0.2.8')).toBe(false);
    expect(list.allows('10.20.255.1')).toBe(true);
    expect(list.allows('10.21.0.1')).toBe(false);
    expect(list.allows('2001:db8:1:ffff::5')).toBe(true);
    expect(list.allows('2001:db8:2::5')).toBe(false);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('not-an-ip')).toBe(false);
  });

  it('refuses entries that are not addresses or blocks', () => {
    for (const bad of ['pacs.example.org', '10.0.0.0/33', '10.0.0.0/8/1', '10.0.0.0/x', '2001:db8::/129'])
      expect(() => new AddressList([bad])).toThrow(RangeError);
  });
});

describe(tlsServerOptions.name, () => {
  it('offers TLS 1.2 and later with the BCP 195 suites, asking for client certificates only with a CA', () => {
    const plain = tlsServerOptions({ cert: 'c', key: 'k' }, 30_000);
    expect(plain).toMatchObject({ minVersion: 'TLSv1.2', ciphers: BCP195_CIPHERS, requestCert: false, rejectUnauthorized: false, handshakeTimeout: 30_000 });
    expect(tlsServerOptions({ cert: 'c', key: 'k', ca: 'ca', requireClientCertificate: true }, 1)).toMatchObject({
      requestCert: true,
      rejectUnauthorized: true,
    });
    for (const weak of ['3DES', 'CBC', 'RC4', 'NULL', 'AES128-SHA:', 'TLS_RSA']) expect(BCP195_CIPHERS).not.toContain(weak);
    expect(tlsClientOptions('127.0.0.1', 104, {}).servername).toBeUndefined();
    expect(tlsClientOptions('pacs.example.org', 2762, {})).toMatchObject({ servername: 'pacs.example.org', rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });
});

describe(`${DimseServer.name} calling AE title binding`, () => {
  let dir: string;
  let server: DimseServer | undefined;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nidus-ae-bind-'))));
  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a bound calling AE title from another address with reason 3 and accepts it from its own (PS3.8 9.3.4)', async () => {
    server = new DimseServer({
      aeTitle: 'NIDUS',
      storeHandler: new DirectoryStoreHandler(dir),
      transferSyntaxes: [TransferSyntaxUIDs.ImplicitVRLittleEndian],
      callingAETitleAddresses: { PACS: ['192.0.2.0/24'], MODALITY: ['127.0.0.0/8'] },
    });
    const rejected: number[] = [];
    server.on('rejected', (_info, rj) => rejected.push(rj.reason));
    const port = await server.listen(0, '127.0.0.1');
    const associate = (callingAETitle: string) =>
      DimseClient.associate({
        host: '127.0.0.1',
        port,
        calledAETitle: 'NIDUS',
        callingAETitle,
        presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [TransferSyntaxUIDs.ImplicitVRLittleEndian] }],
      });
    await expect(associate('PACS')).rejects.toMatchObject({ result: 1, source: 1, reason: 3 });
    expect(rejected).toEqual([3]);
    const ok = await associate('MODALITY');
    expect((await ok.echo()).status).toBe(0);
    await ok.release();
    expect(
      () =>
        new DimseServer({
          aeTitle: 'N',
          storeHandler: new DirectoryStoreHandler(dir),
          transferSyntaxes: [],
          callingAETitleAddresses: { PACS: ['pacs.local'] },
        }),
    ).toThrow(RangeError);
  });
});
