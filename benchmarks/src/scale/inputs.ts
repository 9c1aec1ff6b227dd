import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { datasetsDir } from '../corpus.js';

/** Content types of the size curve, each grown from real text. */
export const SCALE_TYPES = ['log', 'csv', 'json', 'code', 'search', 'prose'] as const;
export type ScaleType = (typeof SCALE_TYPES)[number];

/** Digits rotated by `k`: each copy of the base text carries other numbers, ids and times. */
const rotateDigits = (text: string, k: number) => text.replace(/[0-9]/g, (c) => String((Number(c) + k) % 10));

/** Whole lines of real text of `type`, `bytes` long (within a line), grown by copies with rotated digits. */
export function scaleInput(type: ScaleType, bytes: number): string {
  if (type === 'json') return jsonArray(bytes);
  const { head, body } = base(type);
  const parts = [head];
  let length = head.length;
  for (let k = 0; length < bytes; k++) {
    const copy = k ? rotateDigits(body, k % 10 || 1) : body;
    parts.push(copy);
    length += copy.length;
  }
  const text = parts.join('');
  const cut = text.lastIndexOf('\n', bytes);
  return text.slice(0, cut > 0 ? cut + 1 : bytes);
}

/** A file's text before repetition: a header kept once and a body repeated. */
function base(type: Exclude<ScaleType, 'json'>): { head: string; body: string } {
  const root = datasetsDir();
  const loghub = join(root, 'loghub');
  switch (type) {
    case 'log': {
      const systems = readdirSync(loghub).filter((s) => statSync(join(loghub, s)).isDirectory());
      const body = systems
        .sort()
        .map((s) => readFileSync(join(loghub, s, `${s}_2k.log`), 'utf8'))
        .join('');
      return { head: '', body };
    }
    case 'csv': {
      const csv = readFileSync(join(loghub, 'Apache', 'Apache_2k.log_structured.csv'), 'utf8');
      const firstRow = csv.indexOf('\n') + 1;
      return { head: csv.slice(0, firstRow), body: csv.slice(firstRow) };
    }
    case 'code':
      return { head: '', body: `${readFileSync(typescriptLib('_tsc.js'), 'utf8')}\n` };
    case 'search': {
      // `grep -n function lib/_tsc.js`-style lines: path, line number, text.
      const lines = readFileSync(typescriptLib('_tsc.js'), 'utf8').split('\n');
      const hits = lines.flatMap((l, i) => (l.includes('function') ? [`lib/_tsc.js:${i + 1}:${l}`] : []));
      return { head: '', body: `${hits.join('\n')}\n` };
    }
    case 'prose': {
      const squad = JSON.parse(readFileSync(join(root, 'squad_v2', 'dev-v2.0-cs224n-half.json'), 'utf8')) as {
        data: { paragraphs: { context: string }[] }[];
      };
      const body = squad.data.flatMap((a) => a.paragraphs.map((p) => p.context)).join('\n\n');
      return { head: '', body: `${body}\n\n` };
    }
  }
}

/** The TypeScript compiler's own files: real JavaScript that every checkout has. */
function typescriptLib(file: string): string {
  const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
  return join(dirname(pkg), 'lib', file);
}

/** A pretty-printed array of GitHub issues (the API fixtures), each copy with its own id, number and title. */
function jsonArray(bytes: number): string {
  const file = join(datasetsDir(), 'github_api_fixtures', 'paginate-issues.json');
  const exchanges = JSON.parse(readFileSync(file, 'utf8')) as { response: unknown }[];
  const issues = exchanges.flatMap((e) => (Array.isArray(e.response) ? e.response : [])) as Record<string, unknown>[];
  const items: string[] = [];
  let length = 4;
  for (let i = 0; length < bytes && issues.length; i++) {
    const issue = structuredClone(issues[i % issues.length]) as Record<string, unknown>;
    issue.id = Number(issue.id) + i;
    issue.number = Number(issue.number) + i;
    issue.title = `${issue.title} (${i})`;
    const item = JSON.stringify(issue, null, 2).replace(/\n/g, '\n  ');
    items.push(`  ${item}`);
    length += item.length + 4;
  }
  return `[\n${items.join(',\n')}\n]\n`;
}

export function scaleDataAvailable(): boolean {
  return existsSync(join(datasetsDir(), 'loghub')) && existsSync(join(datasetsDir(), 'squad_v2'));
}
