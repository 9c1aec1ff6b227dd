import {
  DIALECTS,
  getTokenizer,
  type OutputArm,
  shapeOutput,
  type Tokenizer,
  type VerbosityLevel,
  verbosityInstruction,
} from '@headroom/core';
import { round } from './corpus.js';
import { type CachePricing, loadSessions, priceSession, promptOf, type Session } from './session-cost.js';

/**
 * Output shaping on recorded sessions (the SWE-agent trajectories and the agentic scenarios, each
 * replayed request by request):
 * - the instruction's size per level;
 * - that it leaves the cached prefix alone: every shaped request repeats the previous shaped
 *   request's prompt, so prompt-cache reads are the same as unshaped but for the instruction itself;
 * - whether effort routing pays. Providers key their prompt cache by thinking settings (Anthropic
 *   documents that a changed thinking budget invalidates cached messages; OpenAI lists a changed
 *   reasoning effort among the causes of cache misses), so lowering the effort of a resumed turn
 *   makes it re-write the prompt at the low level, and the next full-effort turn re-write it again.
 *   The benchmark prices both with each provider's cache rules and reports the share of resumed
 *   turns' output tokens the lower effort would have to save to break even.
 */

/** Cache rules and list prices, as multiples of the model's input price. */
interface ProviderPricing extends CachePricing {
  /** Output price / input price. */
  readonly output: number;
}

const PROVIDERS: readonly ProviderPricing[] = [
  // Claude Sonnet: $3 in, $15 out; cache writes 1.25×, reads 0.1×.
  { name: 'anthropic', write: 1.25, read: 0.1, minPrefix: 0, step: 1, output: 5 },
  // GPT-5: $1.25 in, $10 out; cached input 0.1×, no write premium, prefixes of 1,024+ tokens in steps of 128.
  { name: 'openai', write: 1, read: 0.1, minPrefix: 1024, step: 128, output: 8 },
  // Gemini 2.5 Pro: $1.25 in, $10 out; implicit cache reads 0.25×.
  { name: 'gemini', write: 1, read: 0.25, minPrefix: 1024, step: 1, output: 8 },
];

const SHAPED: OutputArm = { arm: 'shaped', level: 2, effortRouting: false };

/** The assistant message that answered each request: the message after its last one, in the next request. */
function repliesOf(session: Session): string[] {
  const all = (session.requests.at(-1)?.messages ?? []) as unknown[];
  return session.requests.map((request) => {
    const reply = all[((request.messages as unknown[]) ?? []).length];
    return reply === undefined ? '' : JSON.stringify(reply);
  });
}

function sessionFigures(session: Session, tokenizer: Tokenizer) {
  const dialect = DIALECTS[session.format];
  const raw = session.requests.map((r) => promptOf(r, tokenizer));
  const shaped = session.requests.map((r) =>
    promptOf(JSON.parse(shapeOutput(JSON.stringify(r), r, session.format, SHAPED).text), tokenizer),
  );
  const kinds = session.requests.map((r) => dialect.turnKind(r));
  const replies = repliesOf(session).map((text) => (text ? tokenizer.count(text) : 0));
  const resumedOutput = replies.reduce((sum, tokens, i) => sum + (kinds[i] === 'resume' ? tokens : 0), 0);
  // Effort routing: a resumed turn is sent at the low level, every other turn at the client's.
  const levels = kinds.map((kind) => (kind === 'resume' ? 'low' : 'full'));
  const pricing = Object.fromEntries(
    PROVIDERS.map((p) => {
      const plain = priceSession(raw, p);
      const withInstruction = priceSession(shaped, p);
      const routed = priceSession(raw, p, levels);
      const extraInput = routed.cost - plain.cost;
      const atStake = resumedOutput * p.output;
      return [
        p.name,
        {
          cachedTokens: plain.cached,
          cachedTokensShaped: withInstruction.cached,
          instructionCost: round(withInstruction.cost - plain.cost, 0),
          routingExtraInputCost: round(extraInput, 0),
          // The share of the resumed turns' output the lower effort must save to pay for the re-writes.
          breakEvenShare: atStake > 0 ? round(extraInput / atStake) : null,
        },
      ];
    }),
  );
  return {
    session: session.name,
    format: session.format,
    requests: session.requests.length,
    turns: { ask: count(kinds, 'ask'), resume: count(kinds, 'resume'), error: count(kinds, 'error') },
    outputTokens: replies.reduce((a, b) => a + b, 0),
    resumedOutputTokens: resumedOutput,
    // Every shaped prompt repeats the one before it: the cache reads all but the new turn.
    prefixStable: shaped.every((prompt, i) => i === 0 || startsWith(prompt, shaped[i - 1] ?? [])),
    ...pricing,
  };
}

const count = (list: readonly string[], value: string) => list.filter((v) => v === value).length;

function startsWith(prompt: readonly { text: string }[], before: readonly { text: string }[]): boolean {
  // The last message of the earlier prompt may be one the client re-marks (a cache breakpoint); the
  // system, tools and every earlier message must be identical.
  return before.slice(0, -1).every((part, i) => prompt[i]?.text === part.text);
}

export async function runOutputShapingBenchmark() {
  const tokenizer = await getTokenizer();
  const instruction = ([1, 2, 3] as VerbosityLevel[]).map((level) => ({
    level,
    tokens: tokenizer.count(verbosityInstruction(level)),
    chars: verbosityInstruction(level).length,
  }));
  const rows = loadSessions(tokenizer).map((s) => sessionFigures(s, tokenizer));
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  const byProvider = Object.fromEntries(
    PROVIDERS.map((p) => {
      type Priced = { routingExtraInputCost: number; breakEvenShare: number | null; instructionCost: number };
      const priced = rows.map((r) => (r as unknown as Record<string, Priced>)[p.name] as Priced);
      const extra = priced.reduce((a, r) => a + r.routingExtraInputCost, 0);
      const atStake = sum((r) => r.resumedOutputTokens) * p.output;
      const shares = priced.map((r) => r.breakEvenShare).filter((s): s is number => s !== null);
      return [
        p.name,
        {
          routingExtraInputCost: round(extra, 0),
          resumedOutputValue: round(atStake, 0),
          breakEvenShare: atStake ? round(extra / atStake) : null,
          // Sessions where even saving every output token of the resumed turns would not pay.
          sessionsThatCannotPay: shares.filter((s) => s > 1).length,
          sessionsPriced: shares.length,
          instructionCost: round(
            priced.reduce((a, r) => a + r.instructionCost, 0),
            0,
          ),
        },
      ];
    }),
  );
  return {
    benchmark: 'output-shaping',
    units: 'costs in base input tokens (multiply by the model input price); output valued at each provider list ratio',
    instruction,
    summary: {
      sessions: rows.length,
      requests: sum((r) => r.requests),
      resumedTurns: sum((r) => r.turns.resume),
      prefixStableSessions: rows.filter((r) => r.prefixStable).length,
      byProvider,
    },
    rows,
  };
}
