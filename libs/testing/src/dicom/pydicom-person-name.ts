import { execFileSync } from 'node:child_process';

/**
 * A PN value encoded by pydicom (Debian's python3-pydicom) in a Specific Character Set, escape sequences and all
 * (PS3.5 6.1.2.5): an encoder written apart from ours, so a test does not check our decoder against itself.
 */
export function pydicomPersonNameBytes(name: string, specificCharacterSet: string): Buffer {
  const script = [
    'import sys',
    'from pydicom.charset import convert_encodings',
    'from pydicom.valuerep import PersonName',
    'name, terms = sys.argv[1], sys.argv[2].split("\\\\")',
    'sys.stdout.buffer.write(PersonName(name).encode(convert_encodings(terms)))',
  ].join('\n');
  return execFileSync('/usr/bin/python3', ['-c', script, name, specificCharacterSet]);
}
