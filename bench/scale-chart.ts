// The scale curve as a PNG: an SVG drawn here, rasterised by the Chromium the browser tests already use (no chart
// library to add).

export interface Series {
  name: string;
  /** [tasks in the table, p50 ms, p99 ms] */
  points: [number, number, number][];
}

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#17becf',
  '#bcbd22',
  '#e377c2',
  '#7f7f7f',
];

export function scaleChart(title: string, series: Series[]): string {
  const w = 760;
  const h = 420;
  const pad = 60;
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const values = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  // log scale both ways: a flat line is the target, and a 2× step looks the same at 1 ms and at 500 ms
  const minY = Math.log10(Math.min(...values, 1) / 1.5);
  const maxY = Math.log10(Math.max(...values, 2) * 1.5);
  const lo = Math.log10(sizes[0] ?? 1);
  const hi = Math.log10(sizes.at(-1) ?? 10);
  const x = (n: number) => pad + ((Math.log10(n) - lo) / Math.max(hi - lo, 1e-9)) * (w - 2 * pad);
  const y = (v: number) => h - pad - ((Math.log10(Math.max(v, 1e-3)) - minY) / (maxY - minY)) * (h - 2 * pad);
  const ticks = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
    .filter((t) => Math.log10(t) >= minY && Math.log10(t) <= maxY)
    .map(
      (t) => `<text x="${pad - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}</text>
      <line x1="${pad}" x2="${w - pad}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`,
    );
  const xTicks = sizes.map(
    (n) => `<text x="${x(n)}" y="${h - pad + 16}" font-size="11" text-anchor="middle">${n.toLocaleString('en')}</text>`,
  );
  const lines = series.map((s, i) => {
    const color = COLORS[i % COLORS.length];
    const path = s.points.map((p) => `${x(p[0])},${y(p[1])}`).join(' ');
    const dots = s.points.map((p) => `<circle cx="${x(p[0])}" cy="${y(p[1])}" r="3" fill="${color}"/>`).join('');
    return `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}
      <text x="${w - pad + 10}" y="${pad + i * 18}" font-size="12" fill="${color}">${s.name}</text>`;
  });
  // the legend as wide as its longest name
  const legend = 20 + 7 * Math.max(...series.map((s) => s.name.length));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w + legend}" height="${h}" font-family="sans-serif">
    <rect width="100%" height="100%" fill="white"/>
    <text x="${pad}" y="24" font-size="15">${title}</text>
    ${ticks.join('')}${xTicks.join('')}${lines.join('')}
    <text x="${w / 2}" y="${h - 14}" font-size="12" text-anchor="middle">tasks in the table (log scale)</text>
    <text x="14" y="${h / 2}" font-size="12" transform="rotate(-90 14 ${h / 2})" text-anchor="middle">p50 ms (log scale)</text></svg>`;
}
