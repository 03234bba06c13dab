import { spawnSync } from 'node:child_process';

/**
 * Runs a Python 3 script with numpy and scipy (Debian's python3-numpy, python3-scipy) as an independent
 * reference: `input` goes in as JSON on stdin (bound to the name `data`), the script assigns `result`, which
 * comes back as JSON. Typed arrays travel as plain arrays.
 */
export function numpyReference<T = unknown>(script: string, input: Record<string, unknown>): T {
  const program = ['import json, sys', 'import numpy as np', 'data = json.load(sys.stdin)', script, 'json.dump(result, sys.stdout)'].join('\n');
  const json = JSON.stringify(input, (_, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v));
  const r = spawnSync('/usr/bin/python3', ['-c', program], { input: json, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
