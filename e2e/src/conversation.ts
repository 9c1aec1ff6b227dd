/**
 * What the scripted model needs to know of a request, read independently of Headroom's own
 * readers (the judge must not share the code it judges): the tools offered, the tool calls made
 * so far and the user's latest words.
 */
export interface Conversation {
  readonly tools: readonly string[];
  /** Tool calls in the order the model made them, each with the text of its result (if any). */
  readonly calls: readonly { readonly name: string; readonly input: unknown; readonly result?: string }[];
  /** The latest user prose (not tool results). */
  readonly lastUserText: string;
  /** True when the request ends with user prose rather than tool results: a new question. */
  readonly endsWithUserText: boolean;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const texts = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content
          .map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : isRecord(p) ? texts(p.content) : ''))
          .join('\n')
      : '';
const parseArgs = (args: unknown): unknown => {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
};

export function readConversation(format: 'anthropic' | 'openai' | 'responses' | 'gemini', body: Json): Conversation {
  if (format === 'anthropic') return readAnthropic(body);
  if (format === 'openai') return readChat(body);
  if (format === 'gemini') return readGemini(body);
  return readResponses(body);
}

/** A Gemini function response as text: its `output` (or `error`) string, else the whole object. */
export function functionResponseText(response: unknown): string {
  if (!isRecord(response)) return '';
  if (typeof response.output === 'string') return response.output;
  if (typeof response.error === 'string') return response.error;
  return JSON.stringify(response);
}

function readGemini(body: Json): Conversation {
  const calls: { name: string; input: unknown; result?: string; id: string }[] = [];
  let lastUserText = '';
  let endsWithUserText = false;
  const tools = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) =>
    isRecord(t) && Array.isArray(t.functionDeclarations)
      ? t.functionDeclarations.flatMap((d) => (isRecord(d) && typeof d.name === 'string' ? [d.name] : []))
      : [],
  );
  for (const content of Array.isArray(body.contents) ? body.contents : []) {
    if (!isRecord(content) || !Array.isArray(content.parts)) continue;
    let prose = '';
    let results = false;
    let answered: { result?: string } | undefined;
    for (const part of content.parts) {
      if (!isRecord(part)) continue;
      const call = part.functionCall;
      if (content.role === 'model' && isRecord(call))
        calls.push({ name: String(call.name), input: call.args, id: typeof call.id === 'string' ? call.id : '' });
      const response = part.functionResponse;
      if (isRecord(response)) {
        results = true;
        const match = calls.find(
          (c) =>
            c.result === undefined &&
            (typeof response.id === 'string' && c.id ? c.id === response.id : c.name === response.name),
        );
        if (match) match.result = functionResponseText(response.response);
        answered = match;
      }
      if (content.role !== 'model' && typeof part.text === 'string') {
        // Words among function responses belong to the one before them (Gemini CLI sends a file's
        // image beside its response, and whatever describes the image goes there too).
        if (answered) answered.result = `${answered.result ?? ''}\n${part.text}`;
        else prose += part.text;
      }
    }
    if (content.role !== 'model') {
      if (prose.trim() && !results) lastUserText = prose;
      endsWithUserText = !results && prose.trim() !== '';
    }
  }
  return { tools, calls, lastUserText, endsWithUserText };
}

function toolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((t) => {
    if (!isRecord(t)) return [];
    if (typeof t.name === 'string') return [t.name];
    if (isRecord(t.function) && typeof t.function.name === 'string') return [t.function.name];
    // Namespaced tool groups (Codex) list their members.
    if (Array.isArray(t.tools)) return toolNames(t.tools);
    return [];
  });
}

function readAnthropic(body: Json): Conversation {
  const calls: { name: string; input: unknown; result?: string; id: string }[] = [];
  let lastUserText = '';
  let endsWithUserText = false;
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(message)) continue;
    const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (!Array.isArray(blocks)) continue;
    let prose = '';
    let results = false;
    for (const block of blocks) {
      if (!isRecord(block)) continue;
      if (message.role === 'assistant' && block.type === 'tool_use')
        calls.push({ name: String(block.name), input: block.input, id: String(block.id) });
      if (message.role === 'user' && block.type === 'tool_result') {
        results = true;
        const call = calls.find((c) => c.id === block.tool_use_id);
        if (call) call.result = texts(block.content);
      }
      if (message.role === 'user' && block.type === 'text' && typeof block.text === 'string') {
        if (!block.text.startsWith('<system-reminder>')) prose += block.text;
      }
    }
    if (message.role === 'user') {
      // Words beside tool results are the agent's own (Claude Code notes an image's scaling there), not the user's.
      if (prose.trim() && !results) lastUserText = prose;
      endsWithUserText = !results && prose.trim() !== '';
    }
  }
  return { tools: toolNames(body.tools), calls, lastUserText, endsWithUserText };
}

function readChat(body: Json): Conversation {
  const calls: { name: string; input: unknown; result?: string; id: string }[] = [];
  let lastUserText = '';
  let endsWithUserText = false;
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(message)) continue;
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        if (isRecord(call) && isRecord(call.function))
          calls.push({
            name: String(call.function.name),
            input: parseArgs(call.function.arguments),
            id: String(call.id),
          });
      }
    }
    if (message.role === 'tool') {
      const call = calls.find((c) => c.id === message.tool_call_id);
      if (call) call.result = texts(message.content);
      endsWithUserText = false;
    }
    if (message.role === 'user') {
      const prose = texts(message.content);
      if (prose.trim()) lastUserText = prose;
      endsWithUserText = prose.trim() !== '';
    }
  }
  return { tools: toolNames(body.tools), calls, lastUserText, endsWithUserText };
}

function readResponses(body: Json): Conversation {
  const calls: { name: string; input: unknown; result?: string; id: string }[] = [];
  let lastUserText = '';
  let endsWithUserText = false;
  const tools = toolNames(body.tools);
  const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
  for (const item of Array.isArray(input) ? input : []) {
    if (!isRecord(item)) continue;
    const type = item.type ?? 'message';
    if (Array.isArray(item.tools)) tools.push(...toolNames(item.tools));
    if (type === 'function_call' || type === 'custom_tool_call')
      calls.push({ name: String(item.name), input: parseArgs(item.arguments ?? item.input), id: String(item.call_id) });
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const call = calls.find((c) => c.id === item.call_id);
      // Over a WebSocket the call may sit in an earlier response the request only names.
      if (call) call.result = texts(item.output);
      else calls.push({ name: '', input: undefined, id: String(item.call_id), result: texts(item.output) });
      endsWithUserText = false;
    }
    if (type === 'message' && item.role === 'user') {
      const prose = texts(item.content);
      // Codex sends its environment context and instructions as user messages in angle brackets.
      if (prose.trim() && !prose.trimStart().startsWith('<')) {
        lastUserText = prose;
        endsWithUserText = true;
      }
    }
  }
  return { tools, calls, lastUserText, endsWithUserText };
}
