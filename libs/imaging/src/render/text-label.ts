/** A line of text drawn on an image (pixel coordinates of its baseline start). */
export interface TextLabel {
  text: string;
  x: number;
  y: number;
  /** CSS colour; default white */
  color?: string;
  /** pixels; default 14 */
  fontSize?: number;
  bold?: boolean;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** An SVG of the labels the size of the image, with a dark outline so text reads on any background. */
export function labelsSvg(labels: readonly TextLabel[], width: number, height: number): string {
  const texts = labels.map((l) => {
    const size = l.fontSize ?? 14;
    return `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans, sans-serif" font-size="${size}"${l.bold ? ' font-weight="bold"' : ''} fill="${escapeXml(l.color ?? '#ffffff')}" stroke="#000000" stroke-width="${Math.max(1, size / 8)}" paint-order="stroke">${escapeXml(l.text)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`;
}
