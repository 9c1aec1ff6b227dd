import type { EvalResult } from '../types.js';
import { summarizeByKind } from './by-kind.js';

const W = 640;
const H = 420;
const M = { left: 64, right: 24, top: 40, bottom: 56 };

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An SVG scatter of savings (x) against retention (y), one point per kind of content: the top
 * right corner is where a compressor wants to be. Self-contained, no scripts, no fonts to load.
 */
export function renderChart(result: EvalResult): string {
  const kinds = summarizeByKind(result.cases);
  const x = (v: number) => M.left + Math.max(0, Math.min(1, v)) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - Math.max(0, Math.min(1, v)) * (H - M.top - M.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(1)}" stroke="#eee"/>` +
        `<line x1="${x(0)}" y1="${y(t)}" x2="${x(1)}" y2="${y(t)}" stroke="#eee"/>` +
        `<text x="${x(t)}" y="${y(0) + 18}" font-size="11" text-anchor="middle">${t * 100}%</text>` +
        `<text x="${x(0) - 8}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t * 100}%</text>`,
    )
    .join('');
  // Labels of nearby points are staggered downwards so they stay readable.
  const points = kinds
    .map(
      (k, i) =>
        `<circle cx="${x(k.savings).toFixed(1)}" cy="${y(k.keptOrRecoverable).toFixed(1)}" r="${4 + Math.min(8, Math.sqrt(k.n))}" fill="#9ecae1" stroke="#3182bd"/>` +
        `<circle cx="${x(k.savings).toFixed(1)}" cy="${y(k.kept).toFixed(1)}" r="3" fill="#3182bd"/>` +
        `<text x="${(x(k.savings) + 10).toFixed(1)}" y="${(y(k.keptOrRecoverable) + 4 + (i % 6) * 13).toFixed(1)}" font-size="11">${escapeXml(k.kind)} (${k.n})</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<title>headroom eval ${escapeXml(result.suite)}: token savings against facts kept, per kind of content</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" font-size="14" text-anchor="middle">headroom eval ${escapeXml(result.suite)}: savings against retention</text>`,
    grid,
    `<text x="${W / 2}" y="${H - 14}" font-size="12" text-anchor="middle">token savings</text>`,
    `<text x="16" y="${H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">facts kept (dot: in view; ring: in view or recoverable)</text>`,
    points,
    '</svg>',
    '',
  ].join('\n');
}
