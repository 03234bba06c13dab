import { getJson } from './api';
import { clear, h } from './dom';

interface VersionFeedback {
  modelId: string;
  modelVersion: string | null;
  accepted: number;
  rejected: number;
  corrected: number;
  decisions: number;
  acceptanceRate: number | null;
  rejectionRate: number | null;
  meanAbsoluteVolumeDifferenceMl: number | null;
  correctedVolumes: number;
}

const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(0)} %`);

/** Model monitoring: per model version, how reviewers judged its findings. */
export async function modelsView(root: HTMLElement): Promise<void> {
  const { models } = await getJson<{ models: { modelId: string; versions: VersionFeedback[] }[] }>('/api/models/feedback');
  clear(root);
  root.append(
    h('header', { className: 'page-header' }, h('h2', {}, 'Model monitoring'), h('a', { href: '/worklist' }, 'Worklist')),
    models.length
      ? h(
          'table',
          { className: 'feedback', 'data-testid': 'feedback' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Model', 'Version', 'Reviewed', 'Accepted', 'Rejected', 'Corrected', 'Acceptance', 'Rejection', 'Mean |Δ volume|'].map((c) => h('th', {}, c)),
            ),
          ),
          h(
            'tbody',
            {},
            models.flatMap((m) =>
              m.versions.map((v) =>
                h(
                  'tr',
                  {},
                  h('td', {}, m.modelId),
                  h('td', {}, v.modelVersion ?? ''),
                  h('td', {}, v.decisions),
                  h('td', {}, v.accepted),
                  h('td', {}, v.rejected),
                  h('td', {}, v.corrected),
                  h('td', {}, percent(v.acceptanceRate)),
                  h('td', {}, percent(v.rejectionRate)),
                  h('td', {}, v.meanAbsoluteVolumeDifferenceMl === null ? '—' : `${v.meanAbsoluteVolumeDifferenceMl.toFixed(1)} mL (${v.correctedVolumes})`),
                ),
              ),
            ),
          ),
        )
      : h('p', {}, 'No reviews yet.'),
  );
}
