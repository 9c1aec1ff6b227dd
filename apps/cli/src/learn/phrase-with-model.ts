import type { Finding } from './find-mistakes.js';

/** A model call: Chat Completions messages in, the reply's text out (`complete` of `@headroom/evals`). */
export type AskModel = (messages: readonly { role: 'system' | 'user'; content: string }[]) => Promise<string>;

const INSTRUCTIONS = `You edit the notes a coding agent reads before working in a project. Each finding below was
found in the agent's own past sessions, with its evidence. For each, write one short, direct
instruction for the agent (at most 30 words) that prevents the mistake. Keep every path, command
and pattern written in backticks exactly as given. Order them most useful first. Reply with JSON
only: [{"id": <number>, "text": "<instruction>"}], one entry per finding.`;

/**
 * An optional pass through a model: it phrases each finding as an instruction and ranks them. The
 * rules stay the judge of what is true — a phrasing that drops or alters a path, command or pattern
 * (anything in backticks) is not used, a finding the model leaves out is kept in its own words, and
 * a reply that cannot be read leaves the rules' text as it was.
 */
export async function phraseWithModel(
  findings: readonly Finding[],
  ask: AskModel,
): Promise<{ findings: Finding[]; used: number; note?: string }> {
  if (!findings.length) return { findings: [], used: 0 };
  const listed = findings.map((f, id) => ({ id, kind: f.kind, finding: f.advice, evidence: f.evidence }));
  let reply: string;
  try {
    reply = await ask([
      { role: 'system', content: INSTRUCTIONS },
      { role: 'user', content: JSON.stringify(listed, null, 1) },
    ]);
  } catch (error) {
    return { findings: [...findings], used: 0, note: `the model could not be asked (${(error as Error).message})` };
  }
  const parsed = jsonArrayIn(reply);
  if (!parsed) return { findings: [...findings], used: 0, note: 'the model’s reply was not the JSON asked for' };
  const out: Finding[] = [];
  const seen = new Set<number>();
  let used = 0;
  for (const entry of parsed) {
    const id = typeof entry?.id === 'number' ? entry.id : Number.NaN;
    const finding = findings[id];
    if (!finding || seen.has(id)) continue;
    seen.add(id);
    const text = typeof entry.text === 'string' ? entry.text.trim().replace(/\s+/g, ' ') : '';
    if (text && keepsQuoted(finding.advice, text)) {
      out.push({ ...finding, advice: text });
      used++;
    } else out.push(finding);
  }
  findings.forEach((f, id) => {
    if (!seen.has(id)) out.push(f);
  });
  return { findings: out, used };
}

/** Whether `text` carries every backticked span of `advice`, verbatim. */
function keepsQuoted(advice: string, text: string): boolean {
  return [...advice.matchAll(/`([^`]+)`/g)].every((m) => text.includes(`\`${m[1]}\``));
}

function jsonArrayIn(reply: string): { id?: unknown; text?: unknown }[] | undefined {
  const start = reply.indexOf('[');
  const end = reply.lastIndexOf(']');
  if (start < 0 || end < start) return undefined;
  try {
    const value = JSON.parse(reply.slice(start, end + 1)) as unknown;
    return Array.isArray(value) ? (value as { id?: unknown; text?: unknown }[]) : undefined;
  } catch {
    return undefined;
  }
}
