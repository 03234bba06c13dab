/**
 * A MONAI Bundle config (configs/*.json) read with its references resolved: "@name" (and "@a#b" into nested
 * entries) points at another entry of the same config. Expressions ("$...") and other files ("%...") are not
 * evaluated: reading one is a problem the import names, so only what the import uses is read.
 */
export class MonaiConfig {
  constructor(
    readonly root: Record<string, unknown>,
    private readonly problems: string[],
  ) {}

  /** The value at a '#'-separated path with references resolved on the way; the value itself is resolved only if it is a reference. */
  get(path: string, where = path, depth = 0): unknown {
    let value: unknown = this.root;
    for (const key of path.split('#')) {
      value = this.reference(value, where, depth);
      if (value === null || typeof value !== 'object') return undefined;
      value = Array.isArray(value) ? value[Number(key)] : (value as Record<string, unknown>)[key];
    }
    return this.reference(value, where, depth);
  }

  /** A value that is a reference ("@path") replaced by what it points at, again until it is not one. */
  reference(value: unknown, where: string, depth = 0): unknown {
    if (depth > 20) {
      this.problems.push(`${where}: references loop`);
      return undefined;
    }
    return typeof value === 'string' && value.startsWith('@') ? this.get(value.slice(1), where, depth + 1) : value;
  }

  /** A value with every reference in it resolved; an expression ("$...") or another file ("%...") is a problem. */
  resolve(value: unknown, where: string, depth = 0): unknown {
    if (depth > 20) {
      this.problems.push(`${where}: references loop`);
      return undefined;
    }
    if (typeof value === 'string') {
      if (value.startsWith('@')) return this.resolve(this.get(value.slice(1), where, depth + 1), where, depth + 1);
      if (value.startsWith('$') || value.startsWith('%')) {
        this.problems.push(`${where}: ${JSON.stringify(value)} is a Python expression or a reference to another file, which the import does not evaluate`);
        return undefined;
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${where}#${i}`, depth + 1));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '_target_' ? v : this.resolve(v, `${where}#${k}`, depth + 1)]));
    }
    return value;
  }

  /**
   * The transforms of a Compose at `path` (its `transforms` list), each resolved when `read(name)` says its
   * parameters are used, else only its keys.
   */
  transforms(path: string, read: (name: string) => boolean): Record<string, unknown>[] | undefined {
    const compose = this.get(path);
    if (!compose || typeof compose !== 'object') return undefined;
    const list = this.reference((compose as Record<string, unknown>).transforms, `${path}#transforms`);
    if (!Array.isArray(list)) return undefined;
    return list.map((item, i) => {
      const where = `${path}#transforms#${i}`;
      const t = this.reference(item, where) as Record<string, unknown>;
      if (!t || typeof t !== 'object') return {};
      if (read(transformName(t._target_))) return this.resolve(t, where) as Record<string, unknown>;
      return { _target_: t._target_, keys: this.resolve(t.keys, `${where}#keys`) };
    });
  }
}

/** The transform's name without its module ("monai.transforms.Spacingd" -> "Spacingd"). */
export function transformName(target: unknown): string {
  const name = typeof target === 'string' ? target.replace(/^\$/, '') : String(target);
  return name.split('.').pop() ?? name;
}
