/**
 * One model turn per format, as the provider writes it: a reply that calls `headroom_retrieve`
 * (whole and streamed, after a sentence of text) and a streamed turn of text only. The shapes
 * follow the providers' documented events and what their SDKs accumulate.
 */
export const KEY = '0123456789abcdef01234567';
export const STREAMED = 'The rollout stopped on a quota.';
/** The prompt size of the turn after a retrieve round (it holds the retrieved original); the first turn's is 10. */
export const ROUND_PROMPT = 900;
const ARGS = { key: KEY, query: 'rollout' };

const sse = (events: readonly { event?: string; data: unknown }[]) =>
  events
    .map(
      (e) =>
        `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`,
    )
    .join('');

const anthropicMessage = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  usage: { input_tokens: 10, output_tokens: 1 },
};
const anthropicStream = (blocks: { start: object; delta: object }[], stop: string, prompt = 10) =>
  sse([
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          ...anthropicMessage,
          content: [],
          stop_reason: null,
          usage: { input_tokens: prompt, output_tokens: 1 },
        },
      },
    },
    ...blocks.flatMap((b, index) => [
      { event: 'content_block_start', data: { type: 'content_block_start', index, content_block: b.start } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: b.delta } },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index } },
    ]),
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: stop }, usage: { input_tokens: prompt, output_tokens: 5 } },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);

export const anthropic = {
  retrieveReply: {
    ...anthropicMessage,
    content: [
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'toolu_1', name: 'headroom_retrieve', input: ARGS },
    ],
    stop_reason: 'tool_use',
  },
  retrieveStream: anthropicStream(
    [
      { start: { type: 'text', text: '' }, delta: { type: 'text_delta', text: 'Let me look.' } },
      {
        start: { type: 'tool_use', id: 'toolu_1', name: 'headroom_retrieve', input: {} },
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(ARGS) },
      },
    ],
    'tool_use',
  ),
  textStream: anthropicStream(
    [{ start: { type: 'text', text: '' }, delta: { type: 'text_delta', text: STREAMED } }],
    'end_turn',
    ROUND_PROMPT,
  ),
};

const chunk = (delta: object, finish: string | null = null) => ({
  data: {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta, finish_reason: finish }],
  },
});
/** The usage chunk a client asking `stream_options.include_usage` gets last. */
const usageChunk = (prompt: number) => ({
  data: {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: 5, total_tokens: prompt + 5 },
  },
});
const call = {
  id: 'call_1',
  type: 'function',
  function: { name: 'headroom_retrieve', arguments: JSON.stringify(ARGS) },
};

export const openai = {
  retrieveReply: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [
      {
        index: 0,
        finish_reason: 'tool_calls',
        message: { role: 'assistant', content: 'Let me look.', tool_calls: [call] },
      },
    ],
  },
  retrieveStream: sse([
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Let me look.' }),
    chunk({ tool_calls: [{ index: 0, ...call }] }),
    chunk({}, 'tool_calls'),
    usageChunk(10),
    { data: '[DONE]' },
  ]),
  textStream: sse([
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: STREAMED }),
    chunk({}, 'stop'),
    usageChunk(ROUND_PROMPT),
    { data: '[DONE]' },
  ]),
};

const message = (text: string, id = 'msg_1') => ({
  type: 'message',
  id,
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text, annotations: [] }],
});
const functionCall = {
  type: 'function_call',
  id: 'fc_1',
  call_id: 'call_1',
  name: 'headroom_retrieve',
  arguments: JSON.stringify(ARGS),
  status: 'completed',
};
const responsesStream = (id: string, items: Record<string, unknown>[], prompt = 10) => {
  const events: Record<string, unknown>[] = [
    { type: 'response.created', response: { id, status: 'in_progress', output: [] } },
  ];
  items.forEach((item, output_index) => {
    const isCall = item.type === 'function_call';
    const text = isCall ? '' : ((item.content as { text: string }[])[0]?.text ?? '');
    const part = { type: 'output_text', text: '', annotations: [] };
    const at = { output_index, item_id: item.id };
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: isCall ? { ...item, arguments: '' } : { ...item, status: 'in_progress', content: [] },
    });
    if (isCall) events.push({ type: 'response.function_call_arguments.delta', ...at, delta: item.arguments });
    else
      events.push(
        { type: 'response.content_part.added', ...at, content_index: 0, part },
        { type: 'response.output_text.delta', ...at, content_index: 0, delta: text },
        { type: 'response.output_text.done', ...at, content_index: 0, text },
        { type: 'response.content_part.done', ...at, content_index: 0, part: { ...part, text } },
      );
    events.push({ type: 'response.output_item.done', output_index, item });
  });
  const usage = { input_tokens: prompt, output_tokens: 5, total_tokens: prompt + 5 };
  events.push({ type: 'response.completed', response: { id, status: 'completed', output: items, usage } });
  return sse(events.map((data, sequence_number) => ({ event: String(data.type), data: { ...data, sequence_number } })));
};

export const responses = {
  retrieveReply: {
    id: 'resp_1',
    object: 'response',
    status: 'completed',
    output: [message('Let me look.'), functionCall],
  },
  retrieveStream: responsesStream('resp_1', [message('Let me look.'), functionCall]),
  textStream: responsesStream('resp_2', [message(STREAMED, 'msg_2')], ROUND_PROMPT),
};

const geminiChunk = (parts: object[], finishReason?: string, prompt = 10) => ({
  data: {
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
    usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: 5, totalTokenCount: prompt + 5 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r1',
  },
});
const geminiCall = { functionCall: { id: 'call_1', name: 'headroom_retrieve', args: ARGS }, thoughtSignature: 'c2ln' };

export const gemini = {
  retrieveReply: geminiChunk([{ text: 'Let me look.' }, geminiCall], 'STOP').data,
  retrieveStream: sse([geminiChunk([{ text: 'Let me look.' }]), geminiChunk([geminiCall], 'STOP')]),
  textStream: sse([
    geminiChunk([{ text: STREAMED }], undefined, ROUND_PROMPT),
    geminiChunk([{ text: '' }], 'STOP', ROUND_PROMPT),
  ]),
};
