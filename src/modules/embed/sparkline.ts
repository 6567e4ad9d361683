/** Geometry of the sparkline (shared by the widget and the iframe page): SVG `points` of a polyline. */

/** Size of the sparkline's drawing (its `viewBox`). */
export const SPARKLINE = { width: 240, height: 48, padding: 3 } as const;

/** `points` of a polyline through `values`, oldest left, scaled to the drawing; flat when they are all equal. */
export function sparklinePoints(values: readonly number[]): string {
  const { width, height, padding } = SPARKLINE;
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const step = values.length > 1 ? (width - 2 * padding) / (values.length - 1) : 0;
  const y = (value: number) => (max === min ? height / 2 : padding + ((max - value) / (max - min)) * (height - 2 * padding));
  return values.map((value, i) => `${round(padding + i * step)},${round(y(value))}`).join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
