import { getJson, imageUrl } from './api';
import { clear, h } from './dom';
import { dicomDate, personName } from './format';
import { colourBar } from './map-layer';
import { analysisPanel } from './review-panel';
import { StackViewer } from './stack-viewer';
import type { DisplayStack, MapSummary, ParametricMapOverlay, SegmentationOverlay, StudyAnalysis, StudyReview } from './stack-types';
import { WINDOW_PRESETS } from './window-presets';

/** The analysis whose overlay and maps go with a source series: the newest succeeded run on it. */
function analysisOf(data: StudyReview, SeriesInstanceUID: string): StudyAnalysis | undefined {
  return data.analyses.filter((a) => a.SeriesInstanceUID === SeriesInstanceUID && a.status === 'succeeded' && a.current)[0];
}

/** Segment toggles and opacity sliders, in the segments' own colours. */
function segmentControls(viewer: StackViewer, overlay: SegmentationOverlay): HTMLElement {
  return h(
    'div',
    { className: 'segments' },
    overlay.segments.map((s) => {
      const style = viewer.style(s.SegmentNumber);
      const swatch = h('span', { className: 'swatch' });
      swatch.style.background = `rgb(${s.rgb.join(',')})`;
      return h(
        'label',
        { className: 'segment' },
        h('input', {
          type: 'checkbox',
          checked: style.visible,
          'data-testid': `segment-toggle-${s.SegmentNumber}`,
          onchange: (e: Event) => viewer.setStyle(s.SegmentNumber, { visible: (e.target as HTMLInputElement).checked }),
        }),
        swatch,
        s.SegmentLabel,
        h('input', {
          type: 'range',
          min: '0',
          max: '1',
          step: '0.05',
          value: String(style.opacity),
          'aria-label': `${s.SegmentLabel} opacity`,
          oninput: (e: Event) => viewer.setStyle(s.SegmentNumber, { opacity: Number((e.target as HTMLInputElement).value) }),
        }),
      );
    }),
  );
}

const one = (v: number) => String(Math.round(v * 10) / 10);

/**
 * The perfusion maps (Tmax, rCBF, CBF, CBV, MTT: the analysis's Parametric Maps) drawn over the images: which one,
 * its opacity, and its colour bar with the range and unit. A map is fetched when first chosen.
 */
function mapControls(study: string, analysis: StudyAnalysis, maps: MapSummary[], viewer: StackViewer): HTMLElement {
  const loaded = new Map<string, Promise<ParametricMapOverlay>>();
  const low = h('span', { className: 'bar-low', 'data-testid': 'map-low' });
  const high = h('span', { className: 'bar-high', 'data-testid': 'map-high' });
  const bar = h('div', { className: 'colour-bar', 'data-testid': 'map-colour-bar', hidden: true }, low, colourBar(), high);
  const status = h('span', { className: 'form-status' });
  const opacity = h('input', {
    type: 'range',
    min: '0.1',
    max: '1',
    step: '0.05',
    value: '0.7',
    'aria-label': 'map opacity',
    'data-testid': 'map-opacity',
    oninput: () => viewer.setMap(viewer.mapShown, Number(opacity.value)),
  });
  const select = h(
    'select',
    {
      'aria-label': 'perfusion map',
      'data-testid': 'map-select',
      onchange: async () => {
        const chosen = maps.find((m) => m.SOPInstanceUID === select.value);
        if (!chosen) {
          viewer.setMap(null);
          bar.hidden = true;
          return;
        }
        let request = loaded.get(chosen.SOPInstanceUID);
        if (!request) {
          request = getJson<ParametricMapOverlay>(`/api/review/studies/${study}/analyses/${analysis.id}/maps/${chosen.SOPInstanceUID}`);
          loaded.set(chosen.SOPInstanceUID, request);
          request.catch(() => loaded.delete(chosen.SOPInstanceUID));
        }
        try {
          const map = await request;
          if (select.value !== chosen.SOPInstanceUID) return;
          status.textContent = '';
          low.textContent = one(map.range[0]);
          high.textContent = `${one(map.range[1])} ${map.unit}`;
          bar.title = map.meaning;
          bar.hidden = false;
          viewer.setMap(map, Number(opacity.value));
        } catch (error) {
          status.textContent = (error as Error).message;
        }
      },
    },
    h('option', { value: '' }, 'No map'),
    maps.map((m) => h('option', { value: m.SOPInstanceUID, title: m.meaning }, `${m.label} (${m.unit})`)),
  );
  return h('div', { className: 'map-controls', 'data-testid': 'map-controls' }, select, opacity, bar, status);
}

/**
 * The perfusion maps of the current slice: the summary Secondary Capture Nidus made for it (Tmax, rCBF, CBF, CBV and
 * MTT panels with their colour bars, the core and Tmax > 6 s outlines and the volumes), and the mosaic of all slices.
 */
function mapsPanel(study: string, analysis: StudyAnalysis | undefined, viewer: StackViewer): HTMLElement {
  const panel = h('div', { className: 'maps', 'data-testid': 'maps' });
  const images = (analysis?.objects ?? []).filter((o) => o.kind === 'sc');
  // InstanceNumber 0 is the mosaic of all slices; 1..N the summary of each slice
  const mosaic = images.find((o) => o.InstanceNumber === 0);
  const summaries = images.filter((o) => o !== mosaic).sort((a, b) => (a.InstanceNumber ?? 0) - (b.InstanceNumber ?? 0));
  if (!summaries.length) return panel;
  const img = h('img', { alt: 'perfusion maps of this slice', className: 'map-image' });
  const show = async (index: number) => {
    const o = summaries.find((s) => s.InstanceNumber === index + 1) ?? summaries[index];
    if (!o) return;
    const old = img.src;
    img.src = await imageUrl(`/dicomweb/studies/${study}/series/${o.SeriesInstanceUID}/instances/${o.SOPInstanceUID}/rendered`);
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
  };
  const previous = viewer.onSliceChange;
  viewer.onSliceChange = (index) => {
    previous(index);
    void show(index).catch(() => undefined);
  };
  panel.append(h('h3', {}, 'Summary image (this slice)'), img);
  if (mosaic) {
    const all = h('img', { alt: 'core and Tmax > 6 s on every slice', className: 'map-image', 'data-testid': 'mosaic' });
    void imageUrl(`/dicomweb/studies/${study}/series/${mosaic.SeriesInstanceUID}/instances/${mosaic.SOPInstanceUID}/rendered`)
      .then((url) => (all.src = url))
      .catch(() => undefined);
    panel.append(h('h3', {}, 'All slices'), all);
  }
  return panel;
}

export async function studyView(root: HTMLElement, StudyInstanceUID: string): Promise<void> {
  const data = await getJson<StudyReview>(`/api/review/studies/${StudyInstanceUID}`);
  const sources = data.series.filter((s) => !s.result && s.instanceCount > 0);
  const withAnalysis = sources.find((s) => analysisOf(data, s.SeriesInstanceUID));
  let seriesUid = (withAnalysis ?? sources[0])?.SeriesInstanceUID;
  const s = data.study;
  const viewerBox = h('div', { className: 'viewer' });
  const side = h('aside', { className: 'side' });
  const toolbar = h('div', { className: 'toolbar' });
  const seriesList = h('nav', { className: 'series-list' });
  clear(root);
  root.append(
    h(
      'header',
      { className: 'study-header' },
      h('a', { href: '/worklist' }, '← Worklist'),
      h('h2', { 'data-testid': 'patient' }, personName(s.PatientName)),
      h(
        'span',
        {},
        `ID ${s.PatientID ?? '—'} · ${s.PatientSex ?? ''} · born ${dicomDate(s.PatientBirthDate)} · accession ${s.AccessionNumber ?? '—'} · ${dicomDate(s.StudyDate)} · ${s.StudyDescription ?? ''}`,
      ),
    ),
    h('div', { className: 'study-body' }, seriesList, h('main', { className: 'center' }, toolbar, viewerBox), side),
  );

  const canDecide = true; // the API refuses (403) a role without review:decide, and the form says so
  const renderSide = async (reload: boolean) => {
    const fresh = reload ? await getJson<StudyReview>(`/api/review/studies/${StudyInstanceUID}`) : data;
    if (reload) data.reviews = fresh.reviews;
    clear(side);
    const shown = fresh.analyses.filter((a) => a.current || fresh.reviews.some((r) => r.analysisId === a.id));
    if (!shown.length) side.append(h('p', {}, 'No analysis for this study yet.'));
    for (const a of shown.reverse()) side.append(analysisPanel(fresh, a, canDecide, () => void renderSide(true)));
  };

  const open = async (uid: string) => {
    seriesUid = uid;
    for (const b of seriesList.querySelectorAll('button')) b.classList.toggle('active', b.dataset.series === uid);
    clear(viewerBox);
    clear(toolbar);
    const analysis = analysisOf(data, uid);
    // the stack and the overlay at once: the first image is drawn with its overlay
    const overlayRequest = analysis ? getJson<SegmentationOverlay>(`/api/review/studies/${StudyInstanceUID}/analyses/${analysis.id}/overlay`) : undefined;
    overlayRequest?.catch(() => undefined);
    const mapsRequest = analysis ? getJson<{ maps: MapSummary[] }>(`/api/review/studies/${StudyInstanceUID}/analyses/${analysis.id}/maps`) : undefined;
    mapsRequest?.catch(() => undefined);
    const stack = await getJson<DisplayStack>(`/api/review/studies/${StudyInstanceUID}/series/${uid}/stack`);
    const viewer = new StackViewer(viewerBox, StudyInstanceUID, stack);
    (window as unknown as { nidusViewer: StackViewer }).nidusViewer = viewer;
    const presets = h(
      'select',
      {
        'aria-label': 'window preset',
        'data-testid': 'window-preset',
        onchange: (e: Event) => {
          const p = WINDOW_PRESETS[Number((e.target as HTMLSelectElement).value)];
          if (p) viewer.setWindow(p.center, p.width);
        },
      },
      h('option', { value: '' }, 'Window…'),
      WINDOW_PRESETS.map((p, i) => h('option', { value: String(i) }, `${p.name} ${p.center}/${p.width}`)),
    );
    toolbar.append(
      presets,
      h('button', { type: 'button', onclick: () => viewer.zoom(1.25), title: 'zoom in (ctrl + wheel, +)' }, '+'),
      h('button', { type: 'button', onclick: () => viewer.zoom(0.8), title: 'zoom out (ctrl + wheel, -)' }, '−'),
      h('button', { type: 'button', onclick: () => viewer.reset(), title: 'reset window, zoom and pan' }, 'Reset'),
      h('span', { className: 'hint' }, 'wheel/keys: slice · drag: window · shift-drag: pan · right-drag: zoom'),
    );
    const first = viewer.show(Math.floor((stack.images.length - 1) / 2));
    if (analysis && overlayRequest) {
      const overlay = await overlayRequest;
      viewer.setSegments(overlay.segments);
      toolbar.append(segmentControls(viewer, overlay));
      viewerBox.append(mapsPanel(StudyInstanceUID, analysis, viewer));
    }
    if (analysis && mapsRequest) {
      const { maps } = await mapsRequest.catch(() => ({ maps: [] as MapSummary[] }));
      if (maps.length) toolbar.append(mapControls(StudyInstanceUID, analysis, maps, viewer));
    }
    await first;
    viewer.onSliceChange(viewer.index);
    viewer.prefetchAll();
    viewer.element.focus();
  };

  for (const series of sources) {
    seriesList.append(
      h(
        'button',
        { type: 'button', 'data-series': series.SeriesInstanceUID, onclick: () => void open(series.SeriesInstanceUID) },
        `${series.Modality ?? ''} ${series.SeriesNumber ?? ''} ${series.SeriesDescription ?? ''}`.trim(),
        h('small', {}, ` ${series.instanceCount} images`),
      ),
    );
  }
  await renderSide(false);
  if (seriesUid) await open(seriesUid);
  else viewerBox.append(h('p', {}, 'No images in this study.'));
}
