import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's python3-pydicom test files: real DICOM in many syntaxes, plus broken ones. Not copied into the repo. */
export const PYDICOM_TEST_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

export function pydicomFiles(): string[] {
  if (!existsSync(PYDICOM_TEST_FILES)) {
    throw new Error(`${PYDICOM_TEST_FILES} is missing: apt-get install python3-pydicom (.ci/run does)`);
  }
  return readdirSync(PYDICOM_TEST_FILES)
    .filter((name) => name.endsWith('.dcm'))
    .sort()
    .map((name) => join(PYDICOM_TEST_FILES, name));
}
