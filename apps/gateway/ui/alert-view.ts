import { getJson, imageUrl, postJson } from './api';
import { clear, h } from './dom';
import { fieldText, time } from './format';
import type { StudyReview, ViewField } from './stack-types';

interface AlertView {
  id: string;
  level: string;
  state: string;
  createdAt: string;
  sentAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  content: {
    summary: string;
    fields: ViewField[];
    analysis: { id: string; kind: string };
    study: { StudyInstanceUID: string };
    times: { firstImageAt: string | null; lastImageAt: string | null; analysisDoneAt: string | null };
    warnings: string[];
  } | null;
}

/** The key image of the alert's analysis: its Secondary Capture when built, else the card drawn from its numbers. */
async function keyImage(alert: AlertView): Promise<HTMLElement | null> {
  const study = alert.content?.study.StudyInstanceUID;
  if (!study) return null;
  try {
    const data = await getJson<StudyReview>(`/api/review/studies/${study}`);
    const analysis = data.analyses.find((a) => a.id === alert.content!.analysis.id);
    const key = analysis?.view?.keyImage;
    const mosaic =
      analysis?.objects.find((o) => o.kind === 'sc' && o.InstanceNumber === 0) ?? analysis?.objects.find((o) => o.SOPInstanceUID === key?.SOPInstanceUID);
    if (mosaic) {
      return h('img', {
        className: 'key-image',
        alt: 'key image',
        'data-testid': 'key-image',
        src: await imageUrl(`/dicomweb/studies/${study}/series/${mosaic.SeriesInstanceUID}/instances/${mosaic.SOPInstanceUID}/rendered`),
      });
    }
    if (key?.svg)
      return h('img', {
        className: 'key-image',
        alt: 'key image',
        'data-testid': 'key-image',
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(key.svg)}`,
      });
  } catch {
    // no study access: the numbers still show
  }
  return null;
}

/** The alert view for a phone: level, the one line, key image, numbers with units, times, acknowledge. */
export async function alertView(root: HTMLElement, id: string): Promise<void> {
  const alert = await getJson<AlertView>(`/api/alerts/${id}`);
  const c = alert.content;
  const ack = h('button', { type: 'button', className: 'acknowledge', 'data-testid': 'acknowledge' }, 'Acknowledge');
  const state = h(
    'p',
    { className: `alert-state ${alert.state}`, 'data-testid': 'alert-state' },
    alert.state === 'acknowledged' ? `Acknowledged by ${alert.acknowledgedBy ?? 'someone'} at ${time(alert.acknowledgedAt)}` : `State: ${alert.state}`,
  );
  ack.addEventListener('click', async () => {
    ack.disabled = true;
    try {
      await postJson(`/api/alerts/${id}/ack`, {});
      await alertView(root, id);
    } catch (error) {
      state.textContent = (error as Error).message;
      ack.disabled = false;
    }
  });
  clear(root);
  root.classList.add('phone');
  root.append(
    h(
      'header',
      { className: `alert-level ${alert.level}` },
      h('h2', {}, alert.level.toUpperCase()),
      h('p', { 'data-testid': 'alert-summary' }, c?.summary ?? `Alert ${id}`),
    ),
    h('div', { className: 'key-image-box' }),
    h(
      'table',
      { className: 'alert-numbers', 'data-testid': 'alert-numbers' },
      h(
        'tbody',
        {},
        (c?.fields ?? []).map((f) => h('tr', {}, h('th', {}, f.label), h('td', {}, fieldText(f)))),
      ),
    ),
    h(
      'table',
      { className: 'alert-times' },
      h(
        'tbody',
        {},
        [
          ['first image', c?.times.firstImageAt ?? null],
          ['last image', c?.times.lastImageAt ?? null],
          ['analysis done', c?.times.analysisDoneAt ?? null],
          ['alert raised', alert.createdAt],
          ['paged', alert.sentAt],
        ].map(([label, t]) => h('tr', {}, h('th', {}, label), h('td', {}, time(t)))),
      ),
    ),
    ...(c?.warnings ?? []).map((w) => h('p', { className: 'warning' }, w)),
    state,
    ...(alert.state === 'acknowledged' ? [] : [ack]),
    ...(c ? [h('p', {}, h('a', { href: `/studies/${c.study.StudyInstanceUID}` }, 'Open the study'))] : []),
  );
  const image = await keyImage(alert);
  if (image) root.querySelector('.key-image-box')!.append(image);
}
