import { getJson } from './api';
import { clear, h } from './dom';
import { dicomDate, personName, time } from './format';
import { followEvents } from './live-updates';

interface WorklistRow {
  StudyInstanceUID: string;
  PatientName: string | null;
  PatientID: string | null;
  AccessionNumber: string | null;
  StudyDate: string | null;
  StudyDescription: string | null;
  modalities: string[];
  lastReceivedAt: string;
  status: string;
  reason: string | null;
  stat: boolean;
  reviewed: boolean;
  analyses: { id: string; title: string; status: string; headline: string | null }[];
}

const STATUSES = ['', 'receiving', 'queued', 'running', 'done', 'failed'];

/** The worklist: stat first then newest, with filters, following the gateway's worklist stream. */
export async function worklistView(root: HTMLElement): Promise<() => void> {
  const params = new URLSearchParams(location.search);
  const status = h(
    'select',
    { 'aria-label': 'status', 'data-testid': 'filter-status' },
    STATUSES.map((s) => h('option', { value: s }, s || 'any status')),
  );
  const modality = h('input', { type: 'text', placeholder: 'modality', size: '6', 'aria-label': 'modality', value: params.get('modality') ?? '' });
  const reviewed = h(
    'select',
    { 'aria-label': 'reviewed' },
    h('option', { value: '' }, 'reviewed or not'),
    h('option', { value: 'false' }, 'not reviewed'),
    h('option', { value: 'true' }, 'reviewed'),
  );
  const text = h('input', { type: 'search', placeholder: 'patient, ID, accession', 'aria-label': 'search', value: params.get('q') ?? '' });
  status.value = params.get('status') ?? '';
  reviewed.value = params.get('reviewed') ?? '';
  const body = h('tbody', { 'data-testid': 'worklist' });
  const updated = h('span', { className: 'updated' });
  clear(root);
  root.append(
    h('header', { className: 'page-header' }, h('h2', {}, 'Worklist'), h('a', { href: '/models' }, 'Model monitoring'), updated),
    h(
      'form',
      { className: 'filters', onsubmit: (e: Event) => (e.preventDefault(), void load()) },
      status,
      modality,
      reviewed,
      text,
      h('button', { type: 'submit' }, 'Filter'),
    ),
    h(
      'table',
      { className: 'worklist' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['', 'Patient', 'ID', 'Accession', 'Date', 'Modality', 'Status', 'Analyses', 'Reviewed', 'Last image'].map((c) => h('th', {}, c)),
        ),
      ),
      body,
    ),
  );
  for (const control of [status, reviewed]) control.addEventListener('change', () => void load());

  const load = async () => {
    const query = new URLSearchParams();
    if (status.value) query.set('status', status.value);
    if (modality.value.trim()) query.set('modality', modality.value.trim());
    if (reviewed.value) query.set('reviewed', reviewed.value);
    if (text.value.trim()) query.set('q', text.value.trim());
    history.replaceState(null, '', `/worklist${query.size ? `?${query}` : ''}`);
    const { studies } = await getJson<{ studies: WorklistRow[] }>(`/api/worklist?${query}`);
    clear(body);
    for (const r of studies) {
      body.append(
        h(
          'tr',
          { className: r.stat ? 'stat' : '', 'data-testid': 'worklist-row', 'data-study': r.StudyInstanceUID },
          h('td', {}, r.stat ? h('span', { className: 'badge stat' }, 'STAT') : ''),
          h('td', {}, h('a', { href: `/studies/${r.StudyInstanceUID}` }, personName(r.PatientName))),
          h('td', {}, r.PatientID ?? ''),
          h('td', {}, r.AccessionNumber ?? ''),
          h('td', {}, dicomDate(r.StudyDate)),
          h('td', {}, r.modalities.join(', ')),
          h(
            'td',
            { className: `status ${r.status}`, 'data-testid': 'status' },
            r.status,
            r.reason ? h('small', { className: 'reason' }, ` ${r.reason}`) : null,
          ),
          h(
            'td',
            {},
            r.analyses.map((a) => h('div', {}, h('b', {}, a.title), ': ', a.headline ?? a.status)),
          ),
          h('td', { 'data-testid': 'reviewed' }, r.reviewed ? 'reviewed' : '—'),
          h('td', {}, time(r.lastReceivedAt)),
        ),
      );
    }
    updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
  };
  await load();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return followEvents('/api/worklist/stream', (event) => {
    if (event !== 'worklist.changed') return;
    clearTimeout(timer);
    timer = setTimeout(() => void load().catch(() => undefined), 200);
  });
}
