/** What a model answered: its text and any tool calls, with the tokens it was billed for. */
export interface ModelReply {
  readonly text: string;
  readonly toolCalls: readonly { name: string; arguments: string }[];
  readonly inputTokens: number;
}

export interface ModelEndpoint {
  /** OpenAI-compatible base URL, e.g. `https://api.openai.com/v1` or a local server. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
}

/**
 * The endpoint an online run talks to, from the environment: `HEADROOM_EVAL_BASE_URL` (any
 * OpenAI-compatible server) or `OPENAI_BASE_URL`, `OPENAI_API_KEY`, `HEADROOM_EVAL_MODEL`.
 * Undefined when nothing is configured: online runs never guess.
 */
export function endpointFromEnv(env: NodeJS.ProcessEnv): ModelEndpoint | undefined {
  const baseUrl =
    env.HEADROOM_EVAL_BASE_URL ?? env.OPENAI_BASE_URL ?? (env.OPENAI_API_KEY ? 'https://api.openai.com/v1' : undefined);
  if (!baseUrl) return undefined;
  return {
    baseUrl: baseUrl.replace(/\/$/, ''),
    apiKey: env.OPENAI_API_KEY,
    model: env.HEADROOM_EVAL_MODEL ?? 'gpt-4o-mini',
  };
}

/** Sends one Chat Completions request (temperature 0) and reads the reply. */
export async function complete(endpoint: ModelEndpoint, request: Record<string, unknown>): Promise<ModelReply> {
  const response = await fetch(`${endpoint.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
    },
    body: JSON.stringify({ ...request, model: endpoint.model, temperature: 0 }),
  });
  if (!response.ok)
    throw new Error(`the model endpoint answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const body = (await response.json()) as {
    choices?: {
      message?: { content?: string | null; tool_calls?: { function?: { name?: string; arguments?: string } }[] };
    }[];
    usage?: { prompt_tokens?: number };
  };
  const message = body.choices?.[0]?.message;
  return {
    text: message?.content ?? '',
    toolCalls: (message?.tool_calls ?? []).map((c) => ({
      name: c.function?.name ?? '',
      arguments: c.function?.arguments ?? '{}',
    })),
    inputTokens: body.usage?.prompt_tokens ?? 0,
  };
}

/** Both requests through the model, scored by `score`. */
export async function scorePair(
  endpoint: ModelEndpoint,
  original: Record<string, unknown>,
  compressed: Record<string, unknown>,
  score: (reply: ModelReply) => number,
): Promise<{ baseline: number; compressed: number; baselineInputTokens: number; compressedInputTokens: number }> {
  const before = await complete(endpoint, original);
  const after = await complete(endpoint, compressed);
  return {
    baseline: score(before),
    compressed: score(after),
    baselineInputTokens: before.inputTokens,
    compressedInputTokens: after.inputTokens,
  };
}
