import cornerstone, { type ImageRenderedDetail } from 'cornerstone-core';
import { h } from './dom';
import { imageIdOf } from './image-loader';
import { mapPixels } from './map-layer';
import { orientationLabels } from './orientation';
import { segmentPixels, type SegmentStyle } from './segment-overlay';
import type { DisplayStack, OverlaySegment, ParametricMapOverlay } from './stack-types';

/**
 * One cornerstone viewport over a display stack: scrolling (wheel, arrow and page keys, Home/End, a slider),
 * window/level (left drag, presets), zoom (ctrl + wheel, buttons) and pan (shift or middle drag), segment overlays
 * drawn into the image's own pixel coordinates after each render, and the orientation labels of its edges.
 */
export class StackViewer {
  readonly element: HTMLDivElement;
  readonly slider: HTMLInputElement;
  private readonly counter: HTMLSpanElement;
  private readonly labels: Record<'left' | 'right' | 'top' | 'bottom', HTMLDivElement>;
  private readonly imageIds: string[];
  index = 0;
  private segments: OverlaySegment[] = [];
  private readonly styles = new Map<number, SegmentStyle>();
  private readonly overlayCache = new Map<string, HTMLCanvasElement | null>();
  /** the perfusion map drawn under the segments (null: none), and its opacity */
  private map: ParametricMapOverlay | null = null;
  private mapOpacity = 0.7;
  private readonly mapCache = new Map<string, HTMLCanvasElement | null>();
  /** the slice index whose image (with its overlay) was last drawn */
  drawn = -1;
  /** performance.now() of the first image drawn with its segments over it (the benchmark reads it) */
  firstOverlayAt: number | null = null;
  private pending: number | null = null;
  private loading = false;
  onSliceChange: (index: number) => void = () => undefined;

  constructor(
    readonly root: HTMLElement,
    readonly StudyInstanceUID: string,
    readonly stack: DisplayStack,
  ) {
    this.imageIds = stack.images.map((image) => imageIdOf(StudyInstanceUID, stack.SeriesInstanceUID, image));
    this.labels = {
      left: h('div', { className: 'orientation left' }),
      right: h('div', { className: 'orientation right' }),
      top: h('div', { className: 'orientation top' }),
      bottom: h('div', { className: 'orientation bottom' }),
    };
    this.element = h('div', { className: 'viewport', tabindex: '0', 'data-testid': 'viewport' });
    this.slider = h('input', {
      type: 'range',
      min: '0',
      max: String(Math.max(0, stack.images.length - 1)),
      value: '0',
      'aria-label': 'slice',
      'data-testid': 'slice-slider',
    });
    this.counter = h('span', { className: 'slice-counter', 'data-testid': 'slice-counter' });
    root.append(
      h('div', { className: 'viewport-frame' }, this.element, ...Object.values(this.labels)),
      h('div', { className: 'slice-bar' }, this.slider, this.counter),
    );
    cornerstone.enable(this.element);
    this.element.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, (e) => this.drawOverlay((e as CustomEvent<ImageRenderedDetail>).detail));
    this.bindInput();
    new ResizeObserver(() => cornerstone.resize(this.element, false)).observe(this.element);
  }

  get count(): number {
    return this.imageIds.length;
  }

  get SOPInstanceUID(): string {
    return this.stack.images[this.index]?.SOPInstanceUID ?? '';
  }

  setSegments(segments: OverlaySegment[], opacity = 0.4): void {
    this.segments = segments;
    for (const s of segments) if (!this.styles.has(s.SegmentNumber)) this.styles.set(s.SegmentNumber, { visible: true, opacity });
    this.overlayCache.clear();
    this.redraw();
  }

  style(SegmentNumber: number): SegmentStyle {
    return this.styles.get(SegmentNumber) ?? { visible: true, opacity: 0.4 };
  }

  setStyle(SegmentNumber: number, style: Partial<SegmentStyle>): void {
    this.styles.set(SegmentNumber, { ...this.style(SegmentNumber), ...style });
    this.overlayCache.clear();
    this.redraw();
  }

  /** Draws a perfusion map over the images (null: none); with a map shown, the segments are drawn as outlines only. */
  setMap(map: ParametricMapOverlay | null, opacity = this.mapOpacity): void {
    this.map = map;
    this.mapOpacity = opacity;
    this.mapCache.clear();
    this.overlayCache.clear();
    this.redraw();
  }

  get mapShown(): ParametricMapOverlay | null {
    return this.map;
  }

  /** Shows slice `index` (clamped); while one image loads, the latest request waits, so fast scrolling skips ahead. */
  async show(index: number): Promise<void> {
    const target = Math.max(0, Math.min(this.count - 1, Math.round(index)));
    if (this.loading) {
      this.pending = target;
      return;
    }
    this.loading = true;
    try {
      this.index = target;
      this.slider.value = String(target);
      this.counter.textContent = `slice ${target + 1} / ${this.count}`;
      const image = await cornerstone.loadAndCacheImage(this.imageIds[target]);
      const first = !cornerstone.getViewport(this.element)?.voi || this.drawn < 0;
      cornerstone.displayImage(this.element, image, first ? undefined : cornerstone.getViewport(this.element));
      this.updateLabels();
      this.prefetch(target);
      this.onSliceChange(target);
    } finally {
      this.loading = false;
    }
    if (this.pending !== null) {
      const next = this.pending;
      this.pending = null;
      if (next !== this.index) await this.show(next);
    }
  }

  setWindow(center: number, width: number): void {
    const viewport = cornerstone.getViewport(this.element);
    if (!viewport) return;
    viewport.voi = { windowCenter: center, windowWidth: Math.max(1, width) };
    cornerstone.setViewport(this.element, viewport);
  }

  zoom(factor: number): void {
    const viewport = cornerstone.getViewport(this.element);
    if (!viewport) return;
    viewport.scale = Math.max(0.1, Math.min(20, viewport.scale * factor));
    cornerstone.setViewport(this.element, viewport);
  }

  reset(): void {
    cornerstone.reset(this.element);
  }

  /** Canvas pixel of an image pixel (for tests and measurements). */
  canvasPoint(x: number, y: number): { x: number; y: number } {
    return cornerstone.pixelToCanvas(this.element, { x, y });
  }

  get canvas(): HTMLCanvasElement {
    return this.element.querySelector('canvas')!;
  }

  private redraw(): void {
    if (this.drawn >= 0) cornerstone.updateImage(this.element);
  }

  /** Loads every image of the stack in the background, nearest first, a few at a time, so scrolling finds them cached. */
  prefetchAll(concurrency = 4): void {
    const order = [...this.imageIds.keys()].sort((a, b) => Math.abs(a - this.index) - Math.abs(b - this.index));
    const next = async (): Promise<void> => {
      const k = order.shift();
      if (k === undefined) return;
      await cornerstone.loadAndCacheImage(this.imageIds[k]).catch(() => undefined);
      return next();
    };
    for (let i = 0; i < concurrency; i++) void next();
  }

  private prefetch(from: number): void {
    for (const k of [from + 1, from - 1, from + 2, from + 3])
      if (k >= 0 && k < this.count) cornerstone.loadAndCacheImage(this.imageIds[k]).catch(() => undefined);
  }

  private updateLabels(): void {
    const viewport = cornerstone.getViewport(this.element);
    const labels = orientationLabels(this.stack.images[this.index]?.ImageOrientationPatient ?? null, { h: !!viewport?.hflip, v: !!viewport?.vflip });
    for (const side of ['left', 'right', 'top', 'bottom'] as const) this.labels[side].textContent = labels?.[side] ?? '';
  }

  private overlayCanvas(segment: OverlaySegment, SOPInstanceUID: string, rows: number, columns: number): HTMLCanvasElement | null {
    const key = `${segment.SegmentNumber} ${SOPInstanceUID}`;
    if (this.overlayCache.has(key)) return this.overlayCache.get(key)!;
    // over a map, the core and Tmax > 6 s are outlines, so the map's colours show inside them
    const pixels = segmentPixels(segment, SOPInstanceUID, rows, columns, this.map ? 0 : this.style(segment.SegmentNumber).opacity);
    let canvas: HTMLCanvasElement | null = null;
    if (pixels) {
      canvas = document.createElement('canvas');
      canvas.width = columns;
      canvas.height = rows;
      canvas.getContext('2d')!.putImageData(new ImageData(pixels, columns, rows), 0, 0);
    }
    this.overlayCache.set(key, canvas);
    return canvas;
  }

  private mapCanvas(map: ParametricMapOverlay, SOPInstanceUID: string): HTMLCanvasElement | null {
    if (this.mapCache.has(SOPInstanceUID)) return this.mapCache.get(SOPInstanceUID)!;
    const pixels = mapPixels(map, SOPInstanceUID, this.mapOpacity);
    let canvas: HTMLCanvasElement | null = null;
    if (pixels) {
      canvas = document.createElement('canvas');
      canvas.width = map.Columns;
      canvas.height = map.Rows;
      canvas.getContext('2d')!.putImageData(new ImageData(pixels, map.Columns, map.Rows), 0, 0);
    }
    this.mapCache.set(SOPInstanceUID, canvas);
    return canvas;
  }

  private drawOverlay(detail: ImageRenderedDetail): void {
    const image = this.stack.images[this.index];
    if (!image || detail.image.imageId !== this.imageIds[this.index]) return;
    const context = detail.canvasContext;
    context.save();
    cornerstone.setToPixelCoordinateSystem(detail.enabledElement, context);
    context.imageSmoothingEnabled = false;
    if (this.map) {
      const canvas = this.mapCanvas(this.map, image.SOPInstanceUID);
      if (canvas) context.drawImage(canvas, 0, 0, image.Columns, image.Rows);
    }
    // the last segment first: a SEG lists the core before the larger Tmax > 6 s region that holds it
    for (const segment of [...this.segments].reverse()) {
      if (!this.style(segment.SegmentNumber).visible) continue;
      const canvas = this.overlayCanvas(segment, image.SOPInstanceUID, image.Rows, image.Columns);
      if (canvas) context.drawImage(canvas, 0, 0);
    }
    context.restore();
    if (this.firstOverlayAt === null && this.segments.length) this.firstOverlayAt = performance.now();
    this.drawn = this.index;
    this.element.dataset.drawnSlice = String(this.index);
  }

  private bindInput(): void {
    const el = this.element;
    el.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        if (e.ctrlKey) this.zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1);
        else void this.show(this.index + Math.sign(e.deltaY));
      },
      { passive: false },
    );
    el.addEventListener('keydown', (e) => {
      const step: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: 5, PageUp: -5 };
      if (e.key in step) void this.show(this.index + step[e.key]);
      else if (e.key === 'Home') void this.show(0);
      else if (e.key === 'End') void this.show(this.count - 1);
      else if (e.key === '+' || e.key === '=') this.zoom(1.2);
      else if (e.key === '-') this.zoom(1 / 1.2);
      else return;
      e.preventDefault();
    });
    this.slider.addEventListener('input', () => void this.show(Number(this.slider.value)));
    let drag: { x: number; y: number; button: number; shift: boolean } | null = null;
    el.addEventListener('contextmenu', (e) => e.preventDefault());
    el.addEventListener('mousedown', (e) => {
      el.focus();
      drag = { x: e.clientX, y: e.clientY, button: e.button, shift: e.shiftKey };
    });
    window.addEventListener('mouseup', () => (drag = null));
    window.addEventListener('mousemove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      drag.x = e.clientX;
      drag.y = e.clientY;
      const viewport = cornerstone.getViewport(el);
      if (!viewport) return;
      if (drag.button === 1 || drag.shift) {
        viewport.translation = { x: viewport.translation.x + dx / viewport.scale, y: viewport.translation.y + dy / viewport.scale };
      } else if (drag.button === 2) {
        viewport.scale = Math.max(0.1, Math.min(20, viewport.scale * (1 - dy / 200)));
      } else {
        viewport.voi = { windowWidth: Math.max(1, viewport.voi.windowWidth + dx * 2), windowCenter: viewport.voi.windowCenter + dy * 2 };
      }
      cornerstone.setViewport(el, viewport);
    });
  }
}
