import { scaleMarkdown } from './scale/scale.js';
/** Markdown tables for benchmarks whose results read best as a table; undefined for the rest. */
// biome-ignore lint/suspicious/noExplicitAny: results are plain JSON written by this package's own runners
export function writeMarkdown(name: string, result: any): string | undefined {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (name === 'tool-outputs') {
    const lines = [
      `# Tool outputs (agent_tool_outputs_dev, ${result.cases} cases) — ${result.date}`,
      '',
      'Tokens are o200k_base. "Answer" is whether the case\'s answer is still visible in the output, only recoverable with',
      '`headroom retrieve KEY --query QUESTION`, or lost. Head+tail keeps the first and last lines within the same token budget',
      'as Headroom without a query.',
      '',
      '| case | type | tokens | with query | answer | no query | answer | ms | × encode | head+tail answer | minified JSON | TOON |',
      '|---|---|---:|---:|---|---:|---|---:|---:|---|---:|---:|',
    ];
    for (const r of result.rows) {
      lines.push(
        `| ${r.id} | ${r.contentType} | ${r.tokensBefore} | ${r.headroomWithQuery.tokens} (−${pct(r.headroomWithQuery.saving)}) | ${r.headroomWithQuery.answer} | ` +
          `${r.headroomNoQuery.tokens} (−${pct(r.headroomNoQuery.saving)}) | ${r.headroomNoQuery.answer} | ${r.headroomNoQuery.ms} | ${r.costVsOneEncode} | ` +
          `${r.peers.headTailSameBudget.answer} | ${r.peers.minifiedJson ?? '—'} | ${r.peers.toon ?? '—'} |`,
      );
    }
    const s = result.summary;
    lines.push(
      '',
      `Cases over 5,000 tokens: ${s.casesOver5000Tokens}. Median saving with the question as query: ${pct(s.medianSavingWithQuery)}; without a query: ${pct(s.medianSavingNoQuery)}.`,
      `Answers with query: ${s.answersVisibleWithQuery} visible. Without: ${s.answersVisibleNoQuery} visible, ${s.answersRecoverableNoQuery} recoverable, ${s.answersLostNoQuery} lost (${s.answersLostNoQueryByIdentifier} lost when the retrieve names only one identifier of the question; head+tail: ${s.answersVisibleHeadTail} visible).`,
      `Outputs larger than their input: ${s.largerThanInput}. Median cost of compressing, token counting included, relative to one gpt-tokenizer encode of the input: ${s.medianCostVsOneEncode}×.`,
      '',
    );
    return lines.join('\n');
  }
  if (name === 'output-shaping') {
    const s = result.summary;
    const lines = [
      `# Output shaping on recorded sessions (${s.sessions} sessions, ${s.requests} requests) — ${result.date}`,
      '',
      `Instruction size (o200k): ${result.instruction.map((i: { level: number; tokens: number }) => `level ${i.level} ${i.tokens} tokens`).join(', ')}.`,
      `Prompt prefix stable from turn to turn with the instruction in: ${s.prefixStableSessions} of ${s.sessions} sessions.`,
      '',
      'Effort routing: lowering the effort of the resumed turns makes each switch of effort re-write the cached',
      'prompt. Extra input cost and the value of every output token of the resumed turns, in base input tokens;',
      'the break-even share is the part of those output tokens a lower effort would have to save to pay.',
      '',
      '| provider | extra input cost | resumed-turn output value | break-even share | sessions that cannot pay | instruction cost |',
      '|---|---:|---:|---:|---:|---:|',
    ];
    for (const [provider, p] of Object.entries(s.byProvider) as [
      string,
      {
        routingExtraInputCost: number;
        resumedOutputValue: number;
        breakEvenShare: number;
        sessionsThatCannotPay: number;
        sessionsPriced: number;
        instructionCost: number;
      },
    ][])
      lines.push(
        `| ${provider} | ${p.routingExtraInputCost.toLocaleString('en-US')} | ${p.resumedOutputValue.toLocaleString('en-US')} | ${p.breakEvenShare} | ${p.sessionsThatCannotPay} of ${p.sessionsPriced} | ${p.instructionCost.toLocaleString('en-US')} |`,
      );
    lines.push(
      '',
      '| session | requests | ask / resume / error | output tokens | break-even share (anthropic, openai, gemini) |',
      '|---|---:|---|---:|---|',
    );
    for (const r of result.rows)
      lines.push(
        `| ${r.session} | ${r.requests} | ${r.turns.ask} / ${r.turns.resume} / ${r.turns.error} | ${r.outputTokens} | ${r.anthropic.breakEvenShare}, ${r.openai.breakEvenShare}, ${r.gemini.breakEvenShare} |`,
      );
    return `${lines.join('\n')}\n`;
  }
  if (name === 'speed') {
    const { startup, warm } = result;
    const lines = [
      `# Speed — ${result.date}`,
      '',
      `Start-up: median of 11 fresh processes; a bare \`node -e ''\` takes ${startup.nodeMs} ms.`,
      '',
      '| command | ms | × node |',
      '|---|---:|---:|',
      ...startup.rows.map(
        (r: { what: string; ms: number; timesNode: number }) => `| ${r.what} | ${r.ms} | ${r.timesNode} |`,
      ),
      '',
      `Warm first sight: ${warm.inputs} real outputs and requests, each compressed once in a process warmed on rotated copies,`,
      `token counting of input and output included, against one gpt-tokenizer pass over the same text (median of three). Median ${warm.medianTimesPass}×; ${warm.over5} over 5×.`,
      '',
      '| slowest | type | chars | ms | tokenizer pass ms | × pass |',
      '|---|---|---:|---:|---:|---:|',
      ...warm.worst.map(
        (r: {
          source: string;
          contentType: string;
          chars: number;
          ms: number;
          tokenizerPassMs: number;
          timesPass: number;
        }) => `| ${r.source} | ${r.contentType} | ${r.chars} | ${r.ms} | ${r.tokenizerPassMs} | ${r.timesPass} |`,
      ),
      '',
    ];
    lines.push(
      '',
      'Size curve: each content type grown from real text (LogHub, the GitHub fixtures, the TypeScript compiler, SQuAD) and',
      'compressed once in a new process; per size: ms · peak memory above the process at rest (input string included) · tokens saved.',
      '',
      ...scaleMarkdown(result.scale),
      '',
    );
    return lines.join('\n');
  }
  if (name === 'images') return imagesMarkdown(result);
  if (name === 'fleet') {
    if (result.skipped) return `# Fleet — ${result.date}\n\nSkipped: ${result.skipped}.\n`;
    type Figures = { latency: { p50: number; p99: number }; addedP50: number; perSecond: number };
    const cell = (f: Figures) => `${f.latency.p50} / ${f.latency.p99} (+${f.addedP50})`;
    const m = result.redisMemory;
    return [
      `# Fleet — ${result.date}`,
      '',
      'Proxy processes behind a round-robin front on loopback. Latency: ms p50 / p99 one request at a time (+ added p50',
      `over the fake provider answered directly); throughput: ${result.concurrency} clients at once. Every 20k-token`,
      'request carries a tool output not seen before.',
      '',
      '| proxies | small: latency | small: req/s | 20k tokens: latency | 20k tokens: req/s |',
      '|---|---:|---:|---:|---:|',
      `| provider direct | ${result.direct.small.p50} / ${result.direct.small.p99} | | ${result.direct.large.p50} / ${result.direct.large.p99} | |`,
      ...result.rows.map(
        (r: { store: string; replicas: number; small: Figures; large20k: Figures }) =>
          `| ${r.replicas} × ${r.store} | ${cell(r.small)} | ${r.small.perSecond} | ${cell(r.large20k)} | ${r.large20k.perSecond} |`,
      ),
      '',
      `Redis memory: ${m.originals} originals of ${m.originalBytes} bytes took ${m.bytesPerOriginal} bytes each (${m.overheadPerOriginal} bytes beyond the original).`,
      '',
    ].join('\n');
  }
  if (name === 'corpus-savings') {
    const lines = [
      `# Savings across the offline corpora — ${result.date}`,
      '',
      '| dataset | cases | tokens before | tokens after | saving |',
      '|---|---:|---:|---:|---:|',
    ];
    for (const [dataset, s] of Object.entries(result.summary) as [
      string,
      { cases: number; tokensBefore: number; tokensAfter: number; saving: number },
    ][]) {
      lines.push(`| ${dataset} | ${s.cases} | ${s.tokensBefore} | ${s.tokensAfter} | ${pct(s.saving)} |`);
    }
    const byType = new Map<string, { cases: number; before: number; after: number }>();
    for (const r of result.rows as { contentType: string; tokensBefore: number; tokensAfter: number }[]) {
      const t = byType.get(r.contentType) ?? { cases: 0, before: 0, after: 0 };
      byType.set(r.contentType, {
        cases: t.cases + 1,
        before: t.before + r.tokensBefore,
        after: t.after + r.tokensAfter,
      });
    }
    lines.push('', '| content type | cases | tokens before | tokens after | saving |', '|---|---:|---:|---:|---:|');
    for (const [type, t] of [...byType].sort((a, b) => b[1].before - a[1].before)) {
      lines.push(`| ${type} | ${t.cases} | ${t.before} | ${t.after} | ${pct(1 - t.after / Math.max(1, t.before))} |`);
    }
    const l = result.losslessJson;
    lines.push(
      '',
      `Outputs larger than their input: ${result.largerThanInput}. Lossless JSON (${l.cases} GitHub responses): larger than minified ${l.largerThanMinified}, larger than TOON ${l.largerThanToon}.`,
      '',
      '| dataset | case | type | before | after | saving | ms | lossless: ours / minified / TOON |',
      '|---|---|---|---:|---:|---:|---:|---|',
      ...result.rows.map(
        (r: {
          dataset: string;
          name: string;
          contentType: string;
          tokensBefore: number;
          tokensAfter: number;
          saving: number;
          ms: number;
          lossless?: { headroom: number; minified: number; toon: number | null };
        }) =>
          `| ${r.dataset} | ${r.name} | ${r.contentType} | ${r.tokensBefore} | ${r.tokensAfter} | ${pct(r.saving)} | ${r.ms} | ` +
          `${r.lossless ? `${r.lossless.headroom} / ${r.lossless.minified} / ${r.lossless.toon ?? '—'}` : '—'} |`,
      ),
      '',
    );
    return lines.join('\n');
  }
  if (name === 'session-cost') {
    const lines = [
      `# What a session costs, with prompt caching — ${result.date}`,
      '',
      'Each session is replayed request by request (every request carries the whole history), once as sent and once',
      'through Headroom in one long-running process. Costs are in base-input-token units: Anthropic pricing reads the',
      "previous request's prompt from the cache at 0.1× and writes the rest at 1.25×; OpenAI pricing reads cached",
      'prefixes of at least 1,024 tokens at 0.5×. Output tokens are the same either way and not counted. The proxy',
      'columns replay the same requests through `@headroom/proxy` to a recording upstream and price the bytes it sent:',
      'the same compression plus the `headroom_retrieve` tool offered on every request (the model here never calls it,',
      'so no retrieve rounds are charged).',
      '',
      '| session | requests | mean tool output (tokens) | input tokens | cached, passthrough | cached, Headroom | Anthropic cost: passthrough → Headroom | saving | OpenAI saving | via proxy: Anthropic | via proxy: OpenAI |',
      '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
    ];
    for (const r of result.rows) {
      lines.push(
        `| ${r.session} | ${r.requests} | ${r.meanToolOutputTokens} | ${r.anthropic.passthrough.inputTokens} → ${r.anthropic.headroom.inputTokens} | ` +
          `${r.anthropic.passthrough.cachedTokens} | ${r.anthropic.headroom.cachedTokens} | ${r.anthropic.passthrough.cost} → ${r.anthropic.headroom.cost} | ` +
          `${pct(r.anthropic.saving)} | ${pct(r.openai.saving)} | ${pct(r.anthropic.proxySaving)} | ${pct(r.openai.proxySaving)} |`,
      );
    }
    lines.push(
      '',
      `Sessions costing more with Headroom: ${result.summary.sessionsCostingMore} of ${result.summary.sessions} in process, ` +
        `${result.summary.sessionsCostingMoreViaProxy} of ${result.summary.sessions} through the proxy.`,
      '',
    );
    // Through the proxy, the tool definition is the one cost that compression does not pay back.
    const dearer = result.rows.filter(
      // biome-ignore lint/suspicious/noExplicitAny: benchmark results are plain JSON
      (r: any) => r.anthropic.proxySaving < 0 || r.openai.proxySaving < 0,
    );
    if (dearer.length)
      lines.push(
        `Through the proxy every request also carries the \`headroom_retrieve\` definition (written to the cache once, ` +
          'read from it after). It is paid back wherever anything is compressed; the sessions that cost more through ' +
          `the proxy are ${dearer
            .map(
              // biome-ignore lint/suspicious/noExplicitAny: benchmark results are plain JSON
              (r: any) =>
                `${r.session} (${r.anthropic.passthrough.inputTokens} input tokens in all, ` +
                `${r.anthropic.headroom.inputTokens === r.anthropic.passthrough.inputTokens ? 'nothing compressed' : 'little compressed'})`,
            )
            .join(', ')}.`,
        '',
      );
    return lines.join('\n');
  }
  return undefined;
}

/** Tokens and legibility per provider at each per-image budget, then each screenshot at the default. */
// biome-ignore lint/suspicious/noExplicitAny: results are plain JSON written by this package's own runners
function imagesMarkdown(result: any): string {
  if (result.skipped) return `# Images — ${result.date}\n\nSkipped: ${result.skipped}.\n`;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const names: Record<string, string> = { anthropic: 'Anthropic', openai: 'OpenAI', google: 'Gemini 2.5' };
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const summary: any[] = result.summary;
  const lines = [
    `# Images: tokens and legibility per budget (${result.shots.length} Chromium screenshots) — ${result.date}`,
    '',
    "Tokens: the mean per image by each provider's rule. Legible: the share of the words of ≥ 4 characters that",
    'tesseract reads in the original screenshot and still reads in the image as sent (mean, and the worst screenshot).',
    '',
    `| budget | ${summary.map((p) => `${names[p.provider]} tokens | legible (worst)`).join(' | ')} |`,
    `|---|${summary.map(() => '---:|---:').join('|')}|`,
  ];
  const budgets = summary[0].rows.map((r: { budget: number | string }) => r.budget);
  for (const [i, budget] of budgets.entries()) {
    const label = budget === 'none' ? "none (the provider's own size)" : String(budget);
    lines.push(
      `| ${label} | ${summary.map((p) => `${p.rows[i].tokens} | ${pct(p.rows[i].legibility)} (${pct(p.rows[i].worst)})`).join(' | ')} |`,
    );
  }
  lines.push(
    '',
    `| screenshot | size | words | ${summary.map((p) => `${names[p.provider]} at each budget`).join(' | ')} |`,
  );
  lines.push(`|---|---|---:|${summary.map(() => '---').join('|')}|`);
  for (const shot of result.shots) {
    const cells = summary.map((p) =>
      // biome-ignore lint/suspicious/noExplicitAny: as above
      shot.providers[p.provider].rows.map((r: any) => pct(r.legibility)).join(' · '),
    );
    lines.push(`| ${shot.page} | ${shot.width}×${shot.height} | ${shot.words} | ${cells.join(' | ')} |`);
  }
  lines.push('', `Budgets, left to right: ${budgets.join(' · ')}.`, '');
  return lines.join('\n');
}
