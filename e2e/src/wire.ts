import type { Action } from './script.js';

/** One server-sent event (or, over a WebSocket, one message: its `data`). */
export interface WireEvent {
  readonly event?: string;
  readonly data: unknown;
}

let counter = 0;
const id = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}`;

/** An Anthropic Messages stream for one turn. */
export function anthropicEvents(action: Action, model: string, inputTokens: number): WireEvent[] {
  const message = {
    id: id('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
  const block =
    action.kind === 'text'
      ? { type: 'text', text: '' }
      : { type: 'tool_use', id: id('toolu'), name: action.name, input: {} };
  const delta =
    action.kind === 'text'
      ? { type: 'text_delta', text: action.text }
      : { type: 'input_json_delta', partial_json: JSON.stringify(action.input) };
  const e = (type: string, data: Record<string, unknown>) => ({ event: type, data: { type, ...data } });
  return [
    e('message_start', { message }),
    e('content_block_start', { index: 0, content_block: block }),
    e('content_block_delta', { index: 0, delta }),
    e('content_block_stop', { index: 0 }),
    e('message_delta', {
      delta: { stop_reason: action.kind === 'text' ? 'end_turn' : 'tool_use', stop_sequence: null },
      usage: { output_tokens: 12 },
    }),
    e('message_stop', {}),
  ];
}

/** An OpenAI Chat Completions stream for one turn (usage in a last chunk when asked for). */
export function chatEvents(action: Action, model: string, inputTokens: number, withUsage: boolean): WireEvent[] {
  const base = { id: id('chatcmpl'), object: 'chat.completion.chunk', created: 1_760_000_000, model };
  const chunk = (delta: unknown, finish: string | null = null) => ({
    data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] },
  });
  const body =
    action.kind === 'text'
      ? [chunk({ role: 'assistant', content: '' }), chunk({ content: action.text }), chunk({}, 'stop')]
      : [
          chunk({
            role: 'assistant',
            content: null,
            tool_calls: [
              { index: 0, id: id('call'), type: 'function', function: { name: action.name, arguments: '' } },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(action.input) } }] }),
          chunk({}, 'tool_calls'),
        ];
  const usage = { prompt_tokens: inputTokens, completion_tokens: 12, total_tokens: inputTokens + 12 };
  return [...body, ...(withUsage ? [{ data: { ...base, choices: [], usage } }] : []), { data: '[DONE]' }];
}

/** An OpenAI Responses stream for one turn: the same events over SSE or as WebSocket messages. */
export function responsesEvents(action: Action, model: string, inputTokens: number): WireEvent[] {
  let sequence = 0;
  const e = (type: string, data: Record<string, unknown>) => ({
    event: type,
    data: { type, sequence_number: sequence++, ...data },
  });
  const responseId = id('resp');
  const response = (status: string, output: unknown[]) => ({
    id: responseId,
    object: 'response',
    created_at: 1_760_000_000,
    status,
    model,
    output,
    usage:
      status === 'completed'
        ? {
            input_tokens: inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: 12,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: inputTokens + 12,
          }
        : null,
  });
  const itemId = id(action.kind === 'text' ? 'msg' : 'fc');
  const item =
    action.kind === 'text'
      ? {
          type: 'message',
          id: itemId,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: action.text, annotations: [] }],
        }
      : typeof action.input === 'string'
        ? {
            type: 'custom_tool_call',
            id: itemId,
            status: 'completed',
            call_id: id('call'),
            name: action.name,
            input: action.input,
          }
        : {
            type: 'function_call',
            id: itemId,
            status: 'completed',
            call_id: id('call'),
            name: action.name,
            arguments: JSON.stringify(action.input),
          };
  const middle =
    action.kind === 'text'
      ? [
          e('response.output_item.added', {
            output_index: 0,
            item: { ...item, status: 'in_progress', content: [] },
          }),
          e('response.content_part.added', {
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            part: { type: 'output_text', text: '', annotations: [] },
          }),
          e('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: action.text }),
          e('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: action.text }),
          e('response.content_part.done', {
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            part: { type: 'output_text', text: action.text, annotations: [] },
          }),
        ]
      : item.type === 'custom_tool_call'
        ? [
            e('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', input: '' } }),
            e('response.custom_tool_call_input.delta', { item_id: itemId, output_index: 0, delta: item.input }),
            e('response.custom_tool_call_input.done', { item_id: itemId, output_index: 0, input: item.input }),
          ]
        : [
            e('response.output_item.added', {
              output_index: 0,
              item: { ...item, status: 'in_progress', arguments: '' },
            }),
            e('response.function_call_arguments.delta', {
              item_id: itemId,
              output_index: 0,
              delta: (item as { arguments: string }).arguments,
            }),
            e('response.function_call_arguments.done', {
              item_id: itemId,
              output_index: 0,
              arguments: (item as { arguments: string }).arguments,
            }),
          ];
  return [
    e('response.created', { response: response('in_progress', []) }),
    e('response.in_progress', { response: response('in_progress', []) }),
    ...middle,
    e('response.output_item.done', { output_index: 0, item }),
    e('response.completed', { response: response('completed', [item]) }),
  ];
}

/**
 * A Gemini `streamGenerateContent?alt=sse` stream for one turn: response chunks, each a whole
 * `GenerateContentResponse` (text in two chunks, a function call in one), usage on the last.
 */
export function geminiEvents(action: Action, model: string, inputTokens: number): WireEvent[] {
  const responseId = id('resp');
  const chunk = (parts: object[], last: boolean) => ({
    data: {
      candidates: [{ content: { role: 'model', parts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
      usageMetadata: {
        promptTokenCount: inputTokens,
        ...(last ? { candidatesTokenCount: 12, totalTokenCount: inputTokens + 12 } : {}),
      },
      modelVersion: model,
      responseId,
    },
  });
  if (action.kind === 'call') return [chunk([{ functionCall: { name: action.name, args: action.input } }], true)];
  const half = Math.ceil(action.text.length / 2);
  return [chunk([{ text: action.text.slice(0, half) }], false), chunk([{ text: action.text.slice(half) }], true)];
}

export function sseText(events: readonly WireEvent[]): string {
  return events
    .map(
      (e) =>
        `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`,
    )
    .join('');
}
