import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  keyFile: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

export interface TestPki {
  dir: string;
  ca: TestCertificate;
  /** a leaf signed by the CA; server leaves carry SANs for 127.0.0.1 and localhost */
  issue(name: string, options?: { server?: boolean; commonName?: string }): TestCertificate;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function read(dir: string, name: string): TestCertificate {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  return { keyFile, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

/**
 * A throw-away certificate authority made with `openssl req` for TLS tests (RSA 2048, one day): the CA,
 * then leaves on demand. Nothing is checked in; every test run makes its own keys.
 */
export function createTestPki(label = 'nidus-test'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), `${label}-pki-`));
  const rsa = ['-newkey', 'rsa:2048', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...rsa,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      `/CN=${label} CA`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  const ca = read(dir, 'ca');
  return {
    dir,
    ca,
    issue(name, options = {}) {
      const cn = options.commonName ?? name;
      openssl(['req', '-new', ...rsa, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
      const ext = options.server
        ? 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n'
        : 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';
      writeFileSync(join(dir, `${name}.ext`), ext);
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-out',
          `${name}.crt`,
          '-days',
          '1',
          '-extfile',
          `${name}.ext`,
        ],
        dir,
      );
      return read(dir, name);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
