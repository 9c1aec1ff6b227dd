import { parseMarkers } from '@headroom/core';
import { json, type Received, sse } from './fake-upstream.js';

export const FACT = '2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3';
export const deployLog = [
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO pod web-${i} ready`,
  ),
  FACT,
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T10:30:${String(i % 60).padStart(2, '0')}Z INFO pod api-${i} ready`,
  ),
].join('\n');

/**
 * A fake model for all four APIs (Chat Completions, Anthropic Messages, Responses, Gemini): shown
 * a marker, it calls headroom_retrieve with the marker's key; shown the retrieved original, it
 * answers with the line that matters. Streams when asked.
 */
export function fakeModel(req: Received, res: Parameters<typeof json>[0]): void | Promise<void> {
  if (!req.body.startsWith('{')) return json(res, 200, { echoed: req.body });
  const body = JSON.parse(req.body) as { stream?: boolean };
  const retrieved = req.body.includes('headroom retrieved') && req.body.includes('quota exceeded');
  const key = parseMarkers(req.body.replace(/\\"/g, '"'))[0]?.key;
  const args = { key, query: 'rollout paused' };
  const said = `The log says: ${FACT}`;
  if (req.path.endsWith('/chat/completions')) {
    if (!body.stream)
      return json(res, 200, {
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [
          {
            index: 0,
            finish_reason: retrieved ? 'stop' : 'tool_calls',
            message: retrieved
              ? { role: 'assistant', content: said }
              : {
                  role: 'assistant',
                  content: null,
                  tool_calls: [
                    {
                      id: 'r1',
                      type: 'function',
                      function: { name: 'headroom_retrieve', arguments: JSON.stringify(args) },
                    },
                  ],
                },
          },
        ],
      });
    const chunk = (delta: object, finish: string | null = null) => ({
      data: {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-4o',
        choices: [{ index: 0, delta, finish_reason: finish }],
      },
    });
    return sse(
      res,
      [
        chunk({ role: 'assistant', content: '' }),
        ...(retrieved
          ? [chunk({ content: said }), chunk({}, 'stop')]
          : [
              chunk({
                tool_calls: [
                  {
                    index: 0,
                    id: 'r1',
                    type: 'function',
                    function: { name: 'headroom_retrieve', arguments: JSON.stringify(args) },
                  },
                ],
              }),
              chunk({}, 'tool_calls'),
            ]),
        { data: '[DONE]' },
      ],
      2,
    );
  }
  if (req.path.endsWith('/messages')) {
    const content = retrieved
      ? [{ type: 'text', text: said }]
      : [{ type: 'tool_use', id: 'tu1', name: 'headroom_retrieve', input: args }];
    const message = {
      id: 'msg',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content,
      stop_reason: retrieved ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    };
    if (!body.stream) return json(res, 200, message);
    const block = content[0] as { type: string };
    return sse(
      res,
      [
        {
          event: 'message_start',
          data: { type: 'message_start', message: { ...message, content: [], stop_reason: null } },
        },
        {
          event: 'content_block_start',
          data: {
            type: 'content_block_start',
            index: 0,
            content_block: block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} },
          },
        },
        {
          event: 'content_block_delta',
          data: {
            type: 'content_block_delta',
            index: 0,
            delta:
              block.type === 'text'
                ? { type: 'text_delta', text: said }
                : { type: 'input_json_delta', partial_json: JSON.stringify(args) },
          },
        },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
        {
          event: 'message_delta',
          data: { type: 'message_delta', delta: { stop_reason: message.stop_reason }, usage: { output_tokens: 5 } },
        },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ],
      2,
    );
  }
  if (/:(stream)?generateContent/i.test(req.path)) {
    const candidate = {
      index: 0,
      finishReason: 'STOP',
      content: {
        role: 'model',
        parts: retrieved ? [{ text: said }] : [{ functionCall: { name: 'headroom_retrieve', args } }],
      },
    };
    const answer = {
      candidates: [candidate],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: 'gemini-2.5-flash',
    };
    if (!req.path.includes(':streamGenerateContent')) return json(res, 200, answer);
    // Gemini streams with `alt=sse`: each event a whole GenerateContentResponse, no event names.
    return sse(res, [{ data: answer }], 2);
  }
  const item = retrieved
    ? {
        type: 'message',
        id: 'm',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: said, annotations: [] }],
      }
    : {
        type: 'function_call',
        id: 'fc',
        call_id: 'r1',
        name: 'headroom_retrieve',
        arguments: JSON.stringify(args),
        status: 'completed',
      };
  const response = { id: 'resp', object: 'response', created_at: 1, model: 'gpt-4o' };
  const usage = { input_tokens: 10, output_tokens: 5, total_tokens: 15 };
  if (!body.stream) return json(res, 200, { ...response, status: 'completed', output: [item], usage });
  const added = retrieved ? { ...item, status: 'in_progress', content: [] } : { ...item, arguments: '' };
  const delta = retrieved
    ? { type: 'response.output_text.delta', item_id: 'm', output_index: 0, content_index: 0, delta: said }
    : { type: 'response.function_call_arguments.delta', item_id: 'fc', output_index: 0, delta: JSON.stringify(args) };
  const events = [
    { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: added },
    delta,
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { ...response, status: 'completed', output: [item], usage } },
  ];
  return sse(
    res,
    events.map((data, n) => ({ event: data.type, data: { ...data, sequence_number: n } })),
    2,
  );
}
