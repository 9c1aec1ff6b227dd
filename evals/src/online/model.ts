/** What a model answered: its text and any tool calls, with the tokens it was billed for. */
export interface ModelReply {
  readonly text: string;
  readonly toolCalls: readonly { name: string; arguments: string }[];
  readonly inputTokens: number;
}

export interface ModelEndpoint {
  /** `openai`: any Chat Completions server; `anthropic`: the Messages API. */
  readonly provider: 'openai' | 'anthropic';
  /** Base URL, e.g. `https://api.openai.com/v1`, `https://api.anthropic.com`, or a local server. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
}

/**
 * The endpoint an online run talks to, from the environment: `HEADROOM_EVAL_BASE_URL` (any
 * OpenAI-compatible server) or `OPENAI_BASE_URL` / `OPENAI_API_KEY`; else `ANTHROPIC_API_KEY`
 * (with `ANTHROPIC_BASE_URL`). `HEADROOM_EVAL_MODEL` picks the model. Undefined when nothing is
 * configured: online runs never guess.
 */
export function endpointFromEnv(env: NodeJS.ProcessEnv): ModelEndpoint | undefined {
  const openai =
    env.HEADROOM_EVAL_BASE_URL ?? env.OPENAI_BASE_URL ?? (env.OPENAI_API_KEY ? 'https://api.openai.com/v1' : undefined);
  if (openai) {
    return {
      provider: 'openai',
      baseUrl: openai.replace(/\/$/, ''),
      apiKey: env.OPENAI_API_KEY,
      model: env.HEADROOM_EVAL_MODEL ?? 'gpt-4o-mini',
    };
  }
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_BASE_URL) {
    return {
      provider: 'anthropic',
      baseUrl: (env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com').replace(/\/$/, ''),
      apiKey: env.ANTHROPIC_API_KEY,
      model: env.HEADROOM_EVAL_MODEL ?? 'claude-haiku-4-5',
    };
  }
  return undefined;
}

/** Sends one request (temperature 0) in the endpoint's own format and reads the reply. */
export async function complete(endpoint: ModelEndpoint, request: Record<string, unknown>): Promise<ModelReply> {
  return endpoint.provider === 'anthropic' ? completeAnthropic(endpoint, request) : completeOpenAI(endpoint, request);
}

async function completeOpenAI(endpoint: ModelEndpoint, request: Record<string, unknown>): Promise<ModelReply> {
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

type ChatMessage = {
  role: string;
  content: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
};

/** The suites build Chat Completions requests; the Messages API gets the same conversation in its own shape. */
export function toAnthropic(request: Record<string, unknown>, model: string): Record<string, unknown> {
  const messages = (request.messages as ChatMessage[]) ?? [];
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => String(m.content))
    .join('\n');
  const out: { role: 'user' | 'assistant'; content: unknown[] }[] = [];
  const push = (role: 'user' | 'assistant', block: unknown) => {
    const last = out.at(-1);
    if (last?.role === role) last.content.push(block);
    else out.push({ role, content: [block] });
  };
  for (const m of messages) {
    if (m.role === 'user') push('user', { type: 'text', text: String(m.content) });
    else if (m.role === 'tool')
      push('user', { type: 'tool_result', tool_use_id: m.tool_call_id, content: String(m.content) });
    else if (m.role === 'assistant') {
      if (typeof m.content === 'string' && m.content) push('assistant', { type: 'text', text: m.content });
      for (const call of m.tool_calls ?? []) {
        push('assistant', {
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: JSON.parse(call.function.arguments || '{}'),
        });
      }
    }
  }
  const tools = (
    request.tools as { function: { name: string; description?: string; parameters?: unknown } }[] | undefined
  )?.map(({ function: fn }) => ({
    name: fn.name,
    description: fn.description ?? '',
    input_schema: fn.parameters ?? { type: 'object', properties: {} },
  }));
  return {
    model,
    max_tokens: 1024,
    temperature: 0,
    ...(system ? { system } : {}),
    messages: out,
    ...(tools?.length ? { tools } : {}),
  };
}

async function completeAnthropic(endpoint: ModelEndpoint, request: Record<string, unknown>): Promise<ModelReply> {
  const response = await fetch(`${endpoint.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...(endpoint.apiKey ? { 'x-api-key': endpoint.apiKey } : {}),
    },
    body: JSON.stringify(toAnthropic(request, endpoint.model)),
  });
  if (!response.ok)
    throw new Error(`the model endpoint answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const body = (await response.json()) as {
    content?: { type: string; text?: string; name?: string; input?: unknown }[];
    usage?: { input_tokens?: number };
  };
  const blocks = body.content ?? [];
  return {
    text: blocks
      .filter((b) => b.type === 'text')
      .map((b) => b.text ?? '')
      .join(''),
    toolCalls: blocks
      .filter((b) => b.type === 'tool_use')
      .map((b) => ({ name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) })),
    inputTokens: body.usage?.input_tokens ?? 0,
  };
}
