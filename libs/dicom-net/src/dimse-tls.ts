import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * TLS 1.2 cipher suites of BCP 195 (RFC 9325 4.2; RFC 7525 4.2): ephemeral key exchange with AEAD only,
 * the suites of PS3.15 B.9 (BCP 195 TLS Secure Transport Connection Profile) and B.10 (non-downgrading).
 * TLS 1.3 suites are all AEAD; the three OpenSSL offers are listed. No 3DES, no CBC, no static RSA: the
 * retired Basic (B.1) and AES (B.3) profiles are not offered.
 */
export const BCP195_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
].join(':');

type Pem = string | Buffer;

/** The DIMSE listener's TLS (proposed config `dicom.tls`). */
export interface DimseTlsServerOptions {
  cert: Pem;
  key: Pem;
  passphrase?: string;
  /** the CAs whose client certificates are accepted (mutual TLS) */
  ca?: Pem | Pem[];
  /** mutual TLS: a peer without a certificate from `ca` is refused during the handshake */
  requireClientCertificate?: boolean;
  /** default TLSv1.2 (BCP 195: nothing older) */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher list; default BCP195_CIPHERS */
  ciphers?: string;
}

/** C-STORE delivery's TLS to a peer (proposed config `delivery.targets[].tls`). */
export interface DimseTlsClientOptions {
  /** the CAs that vouch for the peer's certificate; default Node's bundled roots */
  ca?: Pem | Pem[];
  /** our client certificate and key, for peers that require mutual TLS */
  cert?: Pem;
  key?: Pem;
  passphrase?: string;
  /** the name the peer's certificate must carry, when `host` is not it (SNI too) */
  servername?: string;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
}

export function tlsServerOptions(options: DimseTlsServerOptions, handshakeTimeoutMs: number): TlsOptions {
  if (options.requireClientCertificate && !options.ca) throw new RangeError('mutual TLS needs the CA that signs client certificates (dicom.tls.ca)');
  return {
    cert: options.cert,
    key: options.key,
    passphrase: options.passphrase,
    ca: options.ca,
    requestCert: Boolean(options.requireClientCertificate || options.ca),
    rejectUnauthorized: Boolean(options.requireClientCertificate),
    minVersion: options.minVersion ?? 'TLSv1.2',
    ciphers: options.ciphers ?? BCP195_CIPHERS,
    honorCipherOrder: true,
    handshakeTimeout: handshakeTimeoutMs,
  };
}

export function tlsClientOptions(host: string, port: number, options: DimseTlsClientOptions): ConnectionOptions {
  return {
    host,
    port,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    passphrase: options.passphrase,
    // RFC 6066 3: no SNI for an IP address; the certificate is then checked against the IP
    servername: options.servername ?? (isIP(host) ? undefined : host),
    minVersion: options.minVersion ?? 'TLSv1.2',
    ciphers: options.ciphers ?? BCP195_CIPHERS,
    rejectUnauthorized: true,
  };
}

/** What the SCP knows of a TLS peer, for the audit trail. */
export interface TlsPeerInfo {
  protocol: string;
  cipher: string;
  /** the client certificate's subject CN, when one was presented and verified */
  certificateSubject?: string;
  certificateFingerprint256?: string;
}

/**
 * Addresses an AE title may call from: IP addresses or CIDR blocks (`10.1.0.0/16`, `2001:db8::/48`). Built
 * once from the config; `allows` is asked per A-ASSOCIATE-RQ.
 */
export class AddressList {
  private readonly list = new BlockList();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address, prefixText, extra] = entry.split('/');
      const family = isIP(address);
      if (!family || extra !== undefined) throw new RangeError(`${JSON.stringify(entry)} is not an IP address or CIDR block`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefixText === undefined) {
        this.list.addAddress(address, type);
        continue;
      }
      const prefix = Number(prefixText);
      if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) throw new RangeError(`${JSON.stringify(entry)} has a bad prefix length`);
      this.list.addSubnet(address, prefix, type);
    }
  }

  allows(address: string): boolean {
    if (!isIP(address)) return false;
    return this.list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  }
}
