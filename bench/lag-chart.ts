// Outbox backlog against create rate as an SVG (rasterised by bench/png.ts): served creates/s on x, the backlog's
// slope over each step's second half on y; a point at or below the line is a rate the relay keeps up with.

export interface LagStep {
  /** creates/s offered (0: unthrottled) */
  offered: number;
  served: number;
  p99: number;
  errors: number;
  backlogMax: number;
  backlogEnd: number;
  /** rows/s the backlog grew by over the second half */
  slope: number;
  bounded: boolean;
  meanLagSeconds: number;
  drainedSeconds: number;
  seconds: number;
  load: string;
}

export function lagChart(title: string, steps: LagStep[]): string {
  const w = 760;
  const h = 420;
  const pad = 60;
  const maxX = Math.max(...steps.map((s) => s.served), 1) * 1.1;
  const ys = steps.map((s) => s.slope);
  const minY = Math.min(-1, ...ys) * 1.2;
  const maxY = Math.max(1, ...ys) * 1.2;
  const x = (v: number) => pad + (v / maxX) * (w - 2 * pad);
  const y = (v: number) => h - pad - ((v - minY) / (maxY - minY)) * (h - 2 * pad);
  const dots = steps.map(
    (s) =>
      `<circle cx="${x(s.served)}" cy="${y(s.slope)}" r="5" fill="${s.bounded ? '#2ca02c' : '#d62728'}"/>` +
      `<text x="${x(s.served) + 8}" y="${y(s.slope) - 8}" font-size="11">${s.offered ? `${s.offered}/s` : 'max'}, ${s.seconds} s, lag ${s.meanLagSeconds.toFixed(2)} s</text>`,
  );
  const xTicks = Array.from({ length: 6 }, (_, i) => (maxX / 5) * i).map(
    (v) => `<text x="${x(v)}" y="${h - pad + 16}" font-size="11" text-anchor="middle">${v.toFixed(0)}</text>`,
  );
  const yTicks = Array.from({ length: 6 }, (_, i) => minY + ((maxY - minY) / 5) * i).map(
    (v) => `<text x="${pad - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v.toFixed(1)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w + 160}" height="${h}" font-family="sans-serif">
    <rect width="100%" height="100%" fill="white"/>
    <text x="${pad}" y="24" font-size="15">${title}</text>
    <line x1="${pad}" x2="${w - pad}" y1="${y(0)}" y2="${y(0)}" stroke="#999" stroke-dasharray="4"/>
    ${xTicks.join('')}${yTicks.join('')}${dots.join('')}
    <text x="${w / 2}" y="${h - 14}" font-size="12" text-anchor="middle">served creates/s</text>
    <text x="14" y="${h / 2}" font-size="12" transform="rotate(-90 14 ${h / 2})" text-anchor="middle">backlog growth, rows/s (green: bounded)</text></svg>`;
}
