import type { ViewField } from './stack-types';

/** A view field's value with its unit, as the page shows it. */
export function fieldText(field: Pick<ViewField, 'value' | 'unit'>): string {
  if (field.value === null || field.value === undefined) return '—';
  if (typeof field.value === 'boolean') return field.value ? 'yes' : 'no';
  return field.unit ? `${field.value} ${field.unit}` : String(field.value);
}

/** A DICOM person name (Family^Given) for people. */
export function personName(name: string | null): string {
  if (!name) return '(no name)';
  const [family, given] = name.split('=')[0].split('^');
  return [family, given].filter(Boolean).join(', ');
}

export function dicomDate(date: string | null): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : (date ?? '');
}

export function time(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
