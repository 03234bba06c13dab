/**
 * The value at a path of a result, as alert rules and views address it: object fields by name, and in the
 * arrays of the common result (findings, measurements, masks) the item whose `key` (or code's CodeValue) is the
 * next step; among a measurement's items, `quantity` picks one and gives its value. So `coreVolumeMl`,
 * `eligibility.defuse3`, `findings.hemorrhage.present` and `measurements.hemorrhage.volumeMl` all resolve.
 * Undefined when a step is missing.
 */
export function resultValue(result: unknown, path: readonly string[]): unknown {
  let value: unknown = result;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (Array.isArray(value)) {
      const items = value.filter((item) => isObject(item) && (item.key === step || (isObject(item.code) && item.code.CodeValue === step)));
      if (items.length === 0) return undefined;
      const quantity = path[i + 1];
      const measured = quantity === undefined ? undefined : items.find((item) => item.quantity === quantity);
      if (measured) {
        value = measured.value;
        i++;
        continue;
      }
      value = items[0];
      continue;
    }
    if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, step)) return undefined;
    value = value[step];
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
