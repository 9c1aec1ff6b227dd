/**
 * The dashboard page: one self-contained HTML document (no external scripts, fonts or styles)
 * that reads `/stats` from the same origin and shows savings over time, the per-transform
 * breakdown, the cache hit rate and recent requests. It refreshes every few seconds.
 */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Headroom proxy</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f23; background: #fafbfc; }
  h1 { font-size: 20px; margin: 0 0 16px; }
  .cards { display: flex; gap: 16px; flex-wrap: wrap; margin-bottom: 20px; }
  .card { background: white; border: 1px solid #e1e4e8; border-radius: 6px; padding: 12px 16px; min-width: 150px; }
  .card .label { color: #586069; font-size: 12px; }
  .card .value { font-size: 24px; font-weight: 600; }
  table { border-collapse: collapse; background: white; margin-bottom: 20px; }
  th, td { border: 1px solid #e1e4e8; padding: 4px 10px; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  svg { background: white; border: 1px solid #e1e4e8; border-radius: 6px; }
</style>
</head>
<body>
<h1>Headroom proxy</h1>
<div class="cards">
  <div class="card"><div class="label">requests</div><div class="value" data-testid="requests">–</div></div>
  <div class="card"><div class="label">sessions</div><div class="value" data-testid="sessions">–</div></div>
  <div class="card"><div class="label">tokens saved</div><div class="value" data-testid="saved">–</div></div>
  <div class="card"><div class="label">savings</div><div class="value" data-testid="savings">–</div></div>
  <div class="card"><div class="label">cache hit rate</div><div class="value" data-testid="cache-hit">–</div></div>
  <div class="card"><div class="label">saved (estimate, list prices)</div><div class="value" data-testid="saved-usd">–</div></div>
  <div class="card"><div class="label">retrieve rounds answered</div><div class="value" data-testid="retrieve-rounds">–</div></div>
  <div class="card"><div class="label">images · image tokens saved</div><div class="value" data-testid="images">–</div><div class="label" data-testid="images-detail"></div></div>
  <div class="card"><div class="label" data-testid="output-basis">output tokens saved</div><div class="value" data-testid="output-saved">–</div><div class="label" data-testid="output-interval"></div></div>
</div>
<h2>Savings over time (recent requests)</h2>
<svg data-testid="chart" width="640" height="160" viewBox="0 0 640 160" role="img" aria-label="tokens before and after per request"></svg>
<h2>By transform</h2>
<table data-testid="transforms"><thead><tr><th>transform</th><th>segments</th><th>tokens before</th><th>tokens after</th><th>saved</th></tr></thead><tbody></tbody></table>
<section data-testid="replicas-section" hidden>
<h2>Replicas (proxies sharing these figures)</h2>
<table data-testid="replicas"><thead><tr><th>replica</th><th>requests</th><th>tokens before</th><th>tokens after</th><th>saved</th></tr></thead><tbody></tbody></table>
</section>
<h2>Recent requests</h2>
<table data-testid="recent"><thead><tr><th>path</th><th>session</th><th>status</th><th>tokens before</th><th>tokens after</th><th>compression ms</th></tr></thead><tbody></tbody></table>
<script>
const fmt = (n) => n.toLocaleString('en-US');
const pct = (x) => (x * 100).toFixed(1) + '%';
function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
function row(cells) { const tr = document.createElement('tr'); for (const c of cells) tr.appendChild(cell(c)); return tr; }
function chart(svg, recent) {
  svg.replaceChildren();
  const max = Math.max(1, ...recent.map((r) => r.tokensBefore));
  const w = 640 / Math.max(1, recent.length);
  recent.forEach((r, i) => {
    for (const [value, colour] of [[r.tokensBefore, '#c8e1ff'], [r.tokensAfter, '#0366d6']]) {
      const h = (value / max) * 140;
      const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      rect.setAttribute('x', String(i * w + 2)); rect.setAttribute('width', String(Math.max(1, w - 4)));
      rect.setAttribute('y', String(150 - h)); rect.setAttribute('height', String(h)); rect.setAttribute('fill', colour);
      svg.appendChild(rect);
    }
  });
}
async function refresh() {
  // The admin token, when the proxy needs one, rides along from the page's own address.
  const stats = await (await fetch('/stats' + location.search)).json();
  document.querySelector('[data-testid=requests]').textContent = fmt(stats.requests);
  document.querySelector('[data-testid=sessions]').textContent = fmt(stats.sessions);
  document.querySelector('[data-testid=retrieve-rounds]').textContent = fmt(stats.retrieveRounds);
  document.querySelector('[data-testid=saved]').textContent = fmt(stats.tokensBefore - stats.tokensAfter);
  document.querySelector('[data-testid=savings]').textContent = stats.tokensBefore ? pct(1 - stats.tokensAfter / stats.tokensBefore) : '0.0%';
  document.querySelector('[data-testid=saved-usd]').textContent = '$' + stats.estimatedSavedUsd.toFixed(4);
  document.querySelector('[data-testid=cache-hit]').textContent = stats.inputTokens ? pct(stats.cacheReadTokens / stats.inputTokens) : '–';
  // Images: how many were seen, what the budget and the duplicates saved, and how many were shrunk or named.
  document.querySelector('[data-testid=images]').textContent = stats.images ? fmt(stats.images) + ' · ' + fmt(stats.imageTokensSaved) : '–';
  document.querySelector('[data-testid=images-detail]').textContent = stats.images
    ? fmt(stats.imagesDownscaled) + ' downscaled, ' + fmt(stats.imageDuplicates) + ' duplicates'
    : '';
  // Output shaping: counterfactual, so always with its basis and its interval.
  const output = stats.outputShaping;
  const shaped = output && output.basis !== 'none';
  document.querySelector('[data-testid=output-basis]').textContent = shaped ? 'output tokens saved (' + output.basis + ')' : 'output tokens saved';
  document.querySelector('[data-testid=output-saved]').textContent = shaped ? fmt(output.savedTokens) + ' (' + pct(output.savedShare) + ')' : '–';
  document.querySelector('[data-testid=output-interval]').textContent = shaped
    ? '95% interval ' + fmt(output.low) + ' to ' + fmt(output.high) + ', ' + fmt(output.shapedTurns) + ' shaped turns against ' + fmt(output.controlTurns)
    : output && output.shapedTurns ? fmt(output.shapedTurns) + ' shaped turns, no comparison yet' : 'output shaping off';
  const transforms = document.querySelector('[data-testid=transforms] tbody');
  transforms.replaceChildren(...Object.entries(stats.byTransform).map(([name, t]) =>
    row([name, fmt(t.segments), fmt(t.tokensBefore), fmt(t.tokensAfter), fmt(t.tokensBefore - t.tokensAfter)])));
  // A fleet (proxies counting into one Redis) shows each replica's share of the figures above.
  const replicas = Object.entries(stats.replicas ?? {});
  document.querySelector('[data-testid=replicas-section]').hidden = replicas.length === 0;
  document.querySelector('[data-testid=replicas] tbody').replaceChildren(...replicas.map(([name, r]) =>
    row([name, fmt(r.requests), fmt(r.tokensBefore), fmt(r.tokensAfter), fmt(r.tokensBefore - r.tokensAfter)])));
  const recent = document.querySelector('[data-testid=recent] tbody');
  recent.replaceChildren(...stats.recent.slice().reverse().map((r) =>
    row([r.path, r.session ?? '–', String(r.status), fmt(r.tokensBefore), fmt(r.tokensAfter), String(r.compressionMs)])));
  chart(document.querySelector('[data-testid=chart]'), stats.recent);
  document.body.dataset.ready = 'true';
}
refresh();
setInterval(refresh, 5000);
</script>
</body>
</html>
`;
}
