import { postJson } from './api';
import { h } from './dom';
import { fieldText, time } from './format';
import { qualityPanel } from './quality-panel';
import type { Review, StudyAnalysis, StudyReview, ViewField } from './stack-types';

function decisionText(r: Review): string {
  if (r.decision !== 'corrected') return r.decision;
  const c = r.correction ?? {};
  const to = c.side !== undefined ? String(c.side) : `${c.value}${c.unit ? ` ${c.unit}` : ''}`;
  return `corrected to ${to}`;
}

/** The reviews of one finding: who decided what and when, marked when they refer to an earlier run. */
function reviewList(reviews: Review[]): HTMLElement {
  return h(
    'ul',
    { className: 'reviews' },
    reviews.map((r) =>
      h(
        'li',
        { className: `review ${r.decision}`, 'data-testid': 'review' },
        h('b', {}, decisionText(r)),
        ` by ${r.reviewerName ?? r.reviewer} at ${time(r.reviewedAt)}`,
        r.comment ? h('q', {}, r.comment) : null,
        r.current ? null : h('span', { className: 'earlier-run', 'data-testid': 'earlier-run' }, 'refers to an earlier run of this analysis'),
      ),
    ),
  );
}

/** Accept, reject or correct (a number, a side) one finding, with a comment. */
function decisionForm(study: string, analysis: StudyAnalysis, field: ViewField, onDone: () => void): HTMLElement {
  const comment = h('input', { type: 'text', placeholder: 'comment', 'aria-label': `comment on ${field.label}`, 'data-testid': `comment-${field.key}` });
  const sideField = field.key === 'affectedHemisphere' || typeof field.value === 'string';
  const correction = sideField
    ? h(
        'select',
        { 'aria-label': `corrected ${field.label}` },
        h('option', { value: 'left' }, 'left'),
        h('option', { value: 'right' }, 'right'),
        h('option', { value: '' }, 'none'),
      )
    : h('input', {
        type: 'number',
        step: 'any',
        placeholder: field.unit ?? 'value',
        'aria-label': `corrected ${field.label}`,
        'data-testid': `correct-value-${field.key}`,
      });
  const status = h('span', { className: 'form-status' });
  const send = async (decision: 'accepted' | 'rejected' | 'corrected') => {
    const body: Record<string, unknown> = { findingKey: field.key, decision };
    if (comment.value.trim()) body.comment = comment.value.trim();
    if (decision === 'corrected') {
      if (sideField) body.correction = { side: (correction as HTMLSelectElement).value || null };
      else {
        const value = Number((correction as HTMLInputElement).value);
        if ((correction as HTMLInputElement).value === '' || !Number.isFinite(value)) {
          status.textContent = 'enter the corrected value first';
          return;
        }
        body.correction = { value };
      }
    }
    try {
      await postJson(`/api/review/studies/${study}/analyses/${analysis.id}/reviews`, body);
      onDone();
    } catch (error) {
      status.textContent = (error as Error).message;
    }
  };
  return h(
    'div',
    { className: 'decision' },
    h('button', { type: 'button', className: 'accept', 'data-testid': `accept-${field.key}`, onclick: () => send('accepted') }, 'Accept'),
    h('button', { type: 'button', className: 'reject', 'data-testid': `reject-${field.key}`, onclick: () => send('rejected') }, 'Reject'),
    correction,
    h('button', { type: 'button', 'data-testid': `correct-${field.key}`, onclick: () => send('corrected') }, 'Correct'),
    comment,
    status,
  );
}

/** One analysis: its summary, its numbers with units, and for each its reviews and the decision buttons. */
export function analysisPanel(data: StudyReview, analysis: StudyAnalysis, canDecide: boolean, onChange: () => void): HTMLElement {
  const view = analysis.view;
  const header = h(
    'header',
    {},
    h('h3', {}, view?.title ?? analysis.title),
    h('span', { className: `status ${analysis.status}` }, analysis.status),
    analysis.current ? null : h('span', { className: 'earlier-run' }, 'superseded by a later run'),
  );
  if (!view) return h('section', { className: 'analysis' }, header, h('p', {}, analysis.error ?? 'no result yet'));
  const rows = view.fields.map((field) => {
    const reviews = data.reviews.filter((r) => r.findingKey === field.key && (r.analysisId === analysis.id || analysis.current));
    return h(
      'tr',
      { 'data-testid': `finding-${field.key}` },
      h('th', {}, field.label),
      h('td', { className: 'value' }, fieldText(field)),
      h('td', {}, reviewList(reviews), canDecide && analysis.current ? decisionForm(data.study.StudyInstanceUID, analysis, field, onChange) : null),
    );
  });
  return h(
    'section',
    { className: 'analysis', 'data-testid': `analysis-${analysis.kind}` },
    header,
    h('p', { className: 'summary', 'data-testid': 'summary' }, view.summary),
    h(
      'p',
      { className: 'model' },
      `${analysis.modelId ? `model ${analysis.modelId} ${analysis.modelVersion ?? ''}` : `version ${analysis.analysisVersion ?? ''}`} · finished ${time(analysis.finishedAt)}`,
    ),
    h('table', { className: 'findings' }, h('tbody', {}, rows)),
    qualityPanel(view),
  );
}
