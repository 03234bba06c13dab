import { h } from './dom';
import type { ResultView, ViewChart } from './stack-types';

const SVG = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 160;
const PAD = { left: 40, right: 8, top: 8, bottom: 26 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const tick = (v: number) => String(Math.abs(v) >= 10 ? Math.round(v) : Math.round(v * 10) / 10);

/** One chart as SVG: axes with their ranges and labels, a line per series, marked points as crosses, a legend. */
export function chartElement(chart: ViewChart): HTMLElement {
  const points = chart.series.flatMap((s) => s.points);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 1)];
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
  const plot = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': chart.title });
  plot.append(
    svg('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, stroke: '#888' }),
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, stroke: '#888' }),
    svg('text', { x: PAD.left - 4, y: py(y1) + 4, 'text-anchor': 'end', 'font-size': 10 }, tick(y1)),
    svg('text', { x: PAD.left - 4, y: py(y0), 'text-anchor': 'end', 'font-size': 10 }, tick(y0)),
    svg('text', { x: PAD.left, y: H - PAD.bottom + 12, 'font-size': 10 }, tick(x0)),
    svg('text', { x: W - PAD.right, y: H - PAD.bottom + 12, 'text-anchor': 'end', 'font-size': 10 }, tick(x1)),
    svg('text', { x: (W + PAD.left) / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 10 }, `${chart.x.label}${chart.x.unit ? ` (${chart.x.unit})` : ''}`),
  );
  for (const s of chart.series) {
    const line = svg('polyline', {
      points: s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' '),
      fill: 'none',
      stroke: s.colour,
      'stroke-width': 1.5,
      'data-series': s.label,
    });
    plot.append(line);
    for (const i of s.marked ?? []) {
      const p = s.points[i];
      if (!p) continue;
      const [cx, cy] = [px(p[0]), py(p[1])];
      const cross = svg('path', {
        d: `M${cx - 4},${cy - 4}L${cx + 4},${cy + 4}M${cx - 4},${cy + 4}L${cx + 4},${cy - 4}`,
        stroke: s.colour,
        'stroke-width': 2,
        class: 'marked',
      });
      cross.append(svg('title', {}, `${s.label} at ${tick(p[0])} ${chart.x.unit ?? ''}: ${s.markedLabel ?? 'marked'}`));
      plot.append(cross);
    }
  }
  const legend = h(
    'div',
    { className: 'legend' },
    chart.series.map((s) => {
      const swatch = h('span', { className: 'swatch' });
      swatch.style.background = s.colour;
      return h('span', {}, swatch, s.label);
    }),
    chart.series.some((s) => s.marked?.length) ? h('span', {}, `× ${chart.series.find((s) => s.marked?.length)?.markedLabel ?? 'marked'}`) : null,
  );
  return h(
    'figure',
    { className: 'chart', 'data-testid': `chart-${chart.key}` },
    h('figcaption', {}, `${chart.title} — ${chart.y.label}${chart.y.unit ? ` (${chart.y.unit})` : ''}`),
    plot,
    legend,
    chart.notes?.length
      ? h(
          'ul',
          { className: 'chart-notes' },
          chart.notes.map((n) => h('li', {}, n)),
        )
      : null,
  );
}

/**
 * What a radiologist checks before trusting the numbers: the confidence with its reasons in one line, and the result's
 * charts (for CT perfusion the AIF and VOF curves and the motion plot). Nothing for a result without them (stored
 * before quality control existed).
 */
export function qualityPanel(view: ResultView): HTMLElement | null {
  if (!view.quality && !view.charts?.length) return null;
  const q = view.quality;
  return h(
    'section',
    { className: 'quality', 'data-testid': 'quality' },
    h('h4', {}, 'Quality control'),
    q
      ? h(
          'p',
          { className: `confidence ${q.confidence}`, 'data-testid': 'quality-confidence' },
          `Confidence ${q.confidence}${q.reasons.length ? `: ${q.reasons.join('; ')}` : ''}`,
        )
      : null,
    (view.charts ?? []).map(chartElement),
  );
}
