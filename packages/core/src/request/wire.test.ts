import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/fixtures.js';
import { InvalidRequestError } from '../errors/headroom-error.js';
import type { WireFormat } from './segment.js';
import { detectFormat, parseRequest, writeRequest } from './wire.js';

const FIXTURES: [WireFormat, string][] = [
  ['openai', 'openai-chat.json'],
  ['anthropic', 'anthropic-messages.json'],
  ['responses', 'responses.json'],
];

describe.each(FIXTURES)('%s adapter', (format, file) => {
  const request = loadFixture(file);

  it('is detected from the request shape', () => {
    expect(detectFormat(request)).toBe(format);
  });

  it('round-trips a request with nothing compressed to a deep-equal request', () => {
    const snapshot = structuredClone(request);
    const view = parseRequest(request, format);
    expect(writeRequest(view, new Map())).toEqual(snapshot);
    const unchanged = new Map(view.segments.map((s) => [s.index, s.text] as const));
    expect(writeRequest(view, unchanged)).toEqual(snapshot);
    expect(request).toEqual(snapshot);
  });

  it('changes only the text of a compressed segment', () => {
    const snapshot = structuredClone(request);
    const view = parseRequest(request, format);
    const target = view.segments.find((s) => s.kind === 'tool-result');
    if (!target) throw new Error('fixture has no tool result');
    const written = writeRequest(view, new Map([[target.index, 'SHORT']]));
    const reread = parseRequest(written, format);
    expect(reread.segments.map((s) => (s.index === target.index ? 'SHORT' : s.text))).toEqual(
      reread.segments.map((s) => s.text),
    );
    // Put the original text back at the same path: the whole request is identical again.
    expect(writeRequest(reread, new Map([[target.index, target.text]]))).toEqual(snapshot);
    expect(request).toEqual(snapshot);
  });
});

describe('segments and queries', () => {
  it('reads OpenAI parallel tool calls, part arrays and tool schemas', () => {
    const view = parseRequest(loadFixture('openai-chat.json'), 'openai');
    expect(view.model).toBe('gpt-4o');
    expect(
      view.segments.map((s) => ({ role: s.role, kind: s.kind, path: s.path.join('.'), tool: s.toolName ?? null })),
    ).toEqual([
      { role: 'system', kind: 'text', path: 'messages.0.content', tool: null },
      { role: 'system', kind: 'text', path: 'messages.1.content.0.text', tool: null },
      { role: 'user', kind: 'text', path: 'messages.2.content.0.text', tool: null },
      { role: 'tool', kind: 'tool-result', path: 'messages.4.content', tool: 'github_list_issues' },
      { role: 'tool', kind: 'tool-result', path: 'messages.5.content', tool: 'github_get_repository' },
      { role: 'assistant', kind: 'text', path: 'messages.6.content', tool: null },
      { role: 'tool', kind: 'tool-result', path: 'messages.7.content.0.text', tool: 'github_list_statuses' },
      { role: 'user', kind: 'text', path: 'messages.8.content', tool: null },
      { role: 'system', kind: 'tool-schema', path: 'tools.0.function.description', tool: null },
      { role: 'system', kind: 'tool-schema', path: 'tools.1.function.description', tool: null },
    ]);
    const list = view.segments[3];
    expect(list?.query).toBe(
      'github_list_issues {"repo":"octokit-fixture-org/paginate-issues","state":"open"}\n' +
        'Which open issues in octokit-fixture-org/paginate-issues are still unassigned, and is the repository set to allow squash merges?',
    );
    expect(list?.toolCallId).toBe('call_list_1');
  });

  it('reads Anthropic system blocks, parallel tool_use, block tool_results and cited documents', () => {
    const view = parseRequest(loadFixture('anthropic-messages.json'), 'anthropic');
    expect(
      view.segments.map((s) => ({ role: s.role, kind: s.kind, path: s.path.join('.'), protected: s.flags.protected })),
    ).toEqual([
      { role: 'system', kind: 'text', path: 'system.0.text', protected: false },
      { role: 'user', kind: 'text', path: 'messages.0.content.0.text', protected: false },
      { role: 'assistant', kind: 'text', path: 'messages.1.content.2.text', protected: false },
      { role: 'tool', kind: 'tool-result', path: 'messages.2.content.0.content', protected: false },
      { role: 'tool', kind: 'tool-result', path: 'messages.2.content.1.content.0.text', protected: false },
      { role: 'user', kind: 'text', path: 'messages.2.content.2.source.data', protected: true },
      { role: 'user', kind: 'text', path: 'messages.2.content.3.text', protected: false },
      { role: 'system', kind: 'tool-schema', path: 'tools.0.description', protected: false },
      { role: 'system', kind: 'tool-schema', path: 'tools.1.description', protected: false },
    ]);
    expect(view.segments[4]?.query).toBe(
      'github_list_statuses {"ref":"main"}\n' +
        "Find issues about sesame in the search-issues repo and tell me whether main's CI is green. Screenshot attached.",
    );
  });

  it('reads Responses instructions, function_call_output as string and parts, and skips reasoning', () => {
    const view = parseRequest(loadFixture('responses.json'), 'responses');
    expect(view.segments.map((s) => `${s.role}:${s.kind}:${s.path.join('.')}:${s.toolName ?? ''}`)).toEqual([
      'system:text:instructions:',
      'user:text:input.0.content.0.text:',
      'tool:tool-result:input.4.output:github_get_repository',
      'tool:tool-result:input.5.output.0.text:github_list_issues',
      'assistant:text:input.6.content.0.text:',
      'user:text:input.7.content:',
      'system:tool-schema:tools.0.description:',
      'system:tool-schema:tools.1.description:',
    ]);
  });

  it('reads tool and parameter descriptions as tool-schema segments in every format', () => {
    const parameters = {
      type: 'object',
      properties: { q: { type: 'string', description: 'the query' }, n: { type: 'integer' } },
    };
    const requests = {
      openai: {
        messages: [],
        tools: [{ type: 'function', function: { name: 's', description: 'search', parameters } }],
      },
      anthropic: { messages: [], tools: [{ name: 's', description: 'search', input_schema: parameters }] },
      responses: { input: [], tools: [{ type: 'function', name: 's', description: 'search', parameters }] },
    } as const;
    expect(
      Object.entries(requests).map(([format, body]) =>
        parseRequest(body, format as WireFormat).segments.map((s) => [s.kind, s.path.join('.'), s.text]),
      ),
    ).toEqual([
      [
        ['tool-schema', 'tools.0.function.description', 'search'],
        ['tool-schema', 'tools.0.function.parameters.properties.q.description', 'the query'],
      ],
      [
        ['tool-schema', 'tools.0.description', 'search'],
        ['tool-schema', 'tools.0.input_schema.properties.q.description', 'the query'],
      ],
      [
        ['tool-schema', 'tools.0.description', 'search'],
        ['tool-schema', 'tools.0.parameters.properties.q.description', 'the query'],
      ],
    ]);
  });

  it('reads a Responses request whose input is a plain string', () => {
    const view = parseRequest({ model: 'gpt-5', input: 'hello there' }, 'responses');
    expect(view.segments.map((s) => [s.role, s.path])).toEqual([['user', ['input']]]);
  });

  it('flags retrieved content and text that already carries markers', () => {
    const view = parseRequest(
      {
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'look' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'r1', type: 'function', function: { name: 'headroom_retrieve', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'r1', content: 'anything' },
          { role: 'tool', tool_call_id: 'x', content: '[headroom retrieved 0123456789abcdef01234567: original]\nbody' },
          { role: 'tool', tool_call_id: 'y', content: 'a\n[… 3 of 9 lines omitted …]\nb' },
        ],
      },
      'openai',
    );
    expect(view.segments.map((s) => [s.flags.retrieved, s.flags.alreadyCompressed])).toEqual([
      [false, false],
      [true, false],
      [true, false],
      [false, true],
    ]);
  });
});

describe('shape errors', () => {
  it.each([
    ['openai', { model: 'x' }, 'messages must be an array in an OpenAI Chat Completions request'],
    ['anthropic', { model: 'x', messages: {} }, 'messages must be an array in an Anthropic Messages request'],
    ['responses', { input: 42 }, 'input must be a string or an array in an OpenAI Responses request'],
    ['responses', [], 'the request must be an object in an OpenAI Responses request'],
  ] as const)('%s: %j', (format, body, message) => {
    const error = catchError(() => parseRequest(body, format));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect({ code: (error as InvalidRequestError).code, message: (error as Error).message }).toEqual({
      code: 'invalid_request',
      message,
    });
  });
});

describe('what a reader does not know passes over untouched', () => {
  const big = 'line of tool output\n'.repeat(5);
  it.each([
    [
      'anthropic',
      {
        model: 'claude',
        system: [{ type: 'text', text: 'sys' }, { type: 'mystery' }, 7],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          { role: 'system', content: 'mid-conversation listing' },
          { role: 'robot', content: 'unknown role' },
          7,
          { role: 'user', content: 5 },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } }, 'odd'],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 1 },
              { type: 'tool_result', tool_use_id: 't1', content: big },
              { type: 'tool_result', tool_use_id: 't1', content: 5 },
              { type: 'server_thing', data: {} },
            ],
          },
        ],
      },
      [
        'system:text:system.0.text',
        'user:text:messages.0.content.0.text',
        'system:text:messages.1.content',
        'tool:tool-result:messages.6.content.1.content',
      ],
    ],
    [
      'openai',
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'robot', content: 'x' },
          { role: 'user', content: 5 },
          null,
          { role: 'assistant', content: null, tool_calls: 'odd' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', function: { name: 'sh', arguments: '{}' } }, 3],
          },
          { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: big }, { type: 'other' }, 'odd'] },
          { role: 'tool', tool_call_id: 9, content: 'no id' },
        ],
      },
      [
        'user:text:messages.0.content',
        'tool:tool-result:messages.6.content.0.text',
        'tool:tool-result:messages.7.content',
      ],
    ],
    [
      'responses',
      {
        input: [
          { type: 'additional_tools', tools: [] },
          { role: 'user', content: [{ type: 'input_text', text: 'q' }] },
          { type: 'message', role: 'robot', content: 'x' },
          { nothing: true },
          'odd',
          { type: 'function_call', call_id: 'a', name: 'sh', arguments: '{}' },
          { type: 'function_call_output', call_id: 'a', output: 1 },
          { type: 'function_call_output', call_id: 'a', output: big },
        ],
      },
      ['user:text:input.1.content.0.text', 'tool:tool-result:input.7.output'],
    ],
  ] as const)('%s', (format, body, expected) => {
    const view = parseRequest(body, format);
    expect(view.segments.map((s) => `${s.role}:${s.kind}:${s.path.join('.')}`)).toEqual(expected);
    expect(writeRequest(view, new Map())).toEqual(body);
  });
});

describe('detectFormat', () => {
  it('tells the formats apart and rejects non-requests', () => {
    expect(detectFormat({ model: 'm', input: [] })).toBe('responses');
    expect(detectFormat({ model: 'm', input: 'hi' })).toBe('responses');
    expect(detectFormat({ model: 'm', system: 'x', messages: [] })).toBe('anthropic');
    expect(detectFormat({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a' }] }] })).toBe(
      'anthropic',
    );
    expect(detectFormat({ messages: [{ role: 'tool', content: 'x' }] })).toBe('openai');
    // A system message before Anthropic blocks (as Claude Code and others send) is still Anthropic.
    expect(
      detectFormat({
        model: 'm',
        messages: [
          { role: 'system', content: 'You are an agent.' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'search', input: {} }] },
        ],
      }),
    ).toBe('anthropic');
    expect(
      detectFormat({
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'hi' },
        ],
      }),
    ).toBe('openai');
    expect(detectFormat({ messages: [{ role: 'user', content: 'hi' }] })).toBe('openai');
    expect(detectFormat({ messages: 'nope' })).toBeUndefined();
    expect(detectFormat({ messages: [1, 2] })).toBeUndefined();
    expect(detectFormat([1, 2])).toBeUndefined();
    expect(detectFormat({ items: [] })).toBeUndefined();
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('requests captured from the real agents (texts replaced by placeholders)', () => {
  it.each(['claude', 'codex', 'opencode', 'pi'])(
    '%s: every tool result is read, the rest round-trips untouched',
    (agent) => {
      const fixture = loadFixture(`agents/${agent}.json`) as {
        format: WireFormat;
        requests: { body: Record<string, unknown> }[];
      };
      for (const { body } of fixture.requests) {
        const snapshot = structuredClone(body);
        const view = parseRequest(body, fixture.format);
        expect(writeRequest(view, new Map())).toEqual(snapshot);
        const results = JSON.stringify(body).match(
          /"type":"(tool_result|function_call_output|custom_tool_call_output)"/g,
        );
        const read = new Set(view.segments.filter((s) => s.kind === 'tool-result').map((s) => s.message));
        expect(read.size).toBe(results?.length ?? 0);
      }
    },
  );

  it('reads Claude Code’s mid-conversation system message as system text, and the tool results around it', () => {
    const fixture = loadFixture('agents/claude.json') as { requests: { body: { messages: { role: string }[] } }[] };
    const body = (fixture.requests.at(-1) as { body: { messages: { role: string }[] } }).body;
    const at = body.messages.findIndex((m) => m.role === 'system');
    expect(at).toBeGreaterThan(0);
    const view = parseRequest(body, 'anthropic');
    expect(view.segments.filter((s) => s.message === at).map((s) => s.role)).toEqual(['system']);
    expect(view.segments.filter((s) => s.kind === 'tool-result').length).toBeGreaterThanOrEqual(4);
  });
});
