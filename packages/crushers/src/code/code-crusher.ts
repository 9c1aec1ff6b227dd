import { formatMarker, hasMarkers, queryAnchors, queryTerms, type Transform } from '@headroom/core';
import type { Node } from 'web-tree-sitter';
import { SMALL_OUTPUT_LINES } from '../lines/budget.js';
import { createLogCrusher } from '../log/log-crusher.js';
import { detectLanguage } from './languages.js';
import { type GrammarLoader, nodeGrammarLoader, parserFor } from './parser.js';

export interface CodeCrusherOptions {
  /** Loads a grammar's `.wasm` by its package path. Default: resolve it from node_modules. */
  readonly loadGrammar?: GrammarLoader;
}

const FUNCTION = /function|method|constructor|arrow_function|lambda|func_literal|closure/;
const CONTAINER =
  /^block$|class|impl|trait|interface|namespace|module|struct|enum|object|declaration_list|body|program|source_file|translation_unit|export_statement|decorated_definition|lexical_declaration|variable_declarat|template_declaration|linkage_specification/;
/** Bodies shorter than this stay: a marker would not save anything. */
const MIN_FOLD_LINES = 3;
const MAX_DEPTH = 40;
/**
 * Source is parsed in pieces of about this many characters, cut before a top-level line: a
 * syntax tree takes ~20× its text in WebAssembly memory, which never shrinks, so one 50 MB
 * file parsed whole would leave the process a gigabyte larger.
 */
const PARSE_CHUNK_CHARS = 256 * 1024;

interface Fold {
  readonly from: number; // first omitted line (0-based)
  readonly to: number; // last omitted line
  readonly name: string;
}

/**
 * Source code (Python, JavaScript, TypeScript, Go, Rust, Java, C, C++ via web-tree-sitter): a
 * skeleton of imports, signatures, class structure and the first line of docstrings; function
 * bodies are folded to markers naming the function and its line range. Bodies of symbols the
 * query names stay whole. Folds are whole lines, never half of one.
 */
export function createCodeCrusher(options: CodeCrusherOptions = {}): Transform {
  const load = options.loadGrammar ?? nodeGrammarLoader;
  // Code in a language without a grammar here is still cut, line by line, like any other output.
  const fallback = createLogCrusher();
  return {
    specificationVersion: 'v1',
    name: 'code-crusher',
    version: '1',
    contentTypes: ['code'],
    async compress(input, context) {
      const { text, query } = input;
      const { retrievalKey, signal } = context;
      if (hasMarkers(text)) return { text };
      const lines = text.split('\n');
      if (lines.length <= SMALL_OUTPUT_LINES) return { text };
      const language = detectLanguage(text, query);
      if (!language) return fallback.compress(input, context);
      const parser = await parserFor(language, load);
      const wanted = new Set([...queryTerms(query), ...queryAnchors(query).map((a) => a.toLowerCase())]);
      const folds: Fold[] = [];
      let functions = 0;
      try {
        const pieces = text.length <= PARSE_CHUNK_CHARS ? [{ text, firstLine: 0 }] : topLevelPieces(lines);
        for (const piece of pieces) {
          const tree = parser.parse(piece.text);
          try {
            if (!tree || signal.aborted) return { text };
            const found = findFolds(tree.rootNode, language === 'python', wanted, piece.firstLine);
            folds.push(...found.folds);
            functions += found.functions;
          } finally {
            tree?.delete();
          }
        }
      } finally {
        parser.delete();
      }
      // No function at all: not really code in this language, so cut it line by line instead.
      if (functions === 0) return fallback.compress(input, context);
      if (folds.length === 0) return { text };
      return { text: emit(lines, folds, retrievalKey) };
    },
  };
}

/**
 * The source in pieces of about `PARSE_CHUNK_CHARS`, each ending before a line that starts at
 * column 0 with a new statement (not a closing bracket, a continuation or after a decorator),
 * so no function is split unless one top-level construct is longer than two pieces.
 */
function* topLevelPieces(lines: readonly string[]): Generator<{ text: string; firstLine: number }> {
  let first = 0;
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    chars += (lines[i] as string).length + 1;
    if (chars < PARSE_CHUNK_CHARS || i + 1 >= lines.length) continue;
    if (chars < 2 * PARSE_CHUNK_CHARS && !startsTopLevel(lines[i + 1] as string, lines[i] as string)) continue;
    yield { text: lines.slice(first, i + 1).join('\n'), firstLine: first };
    first = i + 1;
    chars = 0;
  }
  if (first < lines.length) yield { text: lines.slice(first).join('\n'), firstLine: first };
}

function startsTopLevel(line: string, previous: string): boolean {
  return /^[A-Za-z_$#@/]/.test(line) && !previous.startsWith('@') && !/[,([{=+\-*&|?:\\]\s*$/.test(previous);
}

function findFolds(
  root: Node,
  python: boolean,
  wanted: ReadonlySet<string>,
  firstLine: number,
): { folds: Fold[]; functions: number } {
  const folds: Fold[] = [];
  let functions = 0;
  const stack: [Node, number, string | undefined][] = [[root, 0, undefined]];
  while (stack.length) {
    const [node, depth, inheritedName] = stack.pop() as [Node, number, string | undefined];
    if (depth > MAX_DEPTH) continue;
    const body = node.childForFieldName('body');
    if (FUNCTION.test(node.type) && body) {
      functions++;
      const name = nameOf(node) ?? inheritedName ?? 'anonymous function';
      const fold = bodyFold(body, python, name, firstLine);
      if (fold && !isWanted(name, wanted)) folds.push(fold);
      continue; // nested functions stay inside their folded (or kept) parent
    }
    if (depth === 0 || CONTAINER.test(node.type)) {
      // A variable holding a function lends it its name: `const parse = (s) => { … }`.
      const name = node.type.startsWith('variable_declarator') ? node.childForFieldName('name')?.text : inheritedName;
      for (let i = node.namedChildCount - 1; i >= 0; i--) {
        const child = node.namedChild(i);
        if (child) stack.push([child, depth + 1, name]);
      }
    }
  }
  return { folds: folds.sort((a, b) => a.from - b.from), functions };
}

/** A function's name: its `name` field, or (C, C++) the innermost of its nested declarators. */
function nameOf(node: Node): string | undefined {
  const named = node.childForFieldName('name');
  if (named) return named.text;
  let declarator = node.childForFieldName('declarator');
  for (let depth = 0; declarator && depth < 8; depth++) {
    const inner = declarator.childForFieldName('declarator');
    if (!inner) return declarator.text.length <= 80 ? declarator.text : undefined;
    declarator = inner;
  }
  return undefined;
}

function bodyFold(body: Node, python: boolean, name: string, firstLine: number): Fold | undefined {
  let from: number;
  let to: number;
  if (python) {
    from = body.startPosition.row;
    to = body.endPosition.row;
    // A docstring keeps its first line.
    const first = body.namedChild(0);
    if (first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string')
      from = first.startPosition.row + 1;
  } else {
    from = body.startPosition.row + 1; // the line holding `{` stays with the signature
    to = body.endPosition.row - 1; // and so does the line holding `}`
  }
  if (to - from + 1 < MIN_FOLD_LINES) return undefined;
  return { from: from + firstLine, to: to + firstLine, name: name.replace(/[()[\]\n]/g, '') };
}

/** A function the query names: as written, as a query term (stemmed like the query's), or qualified. */
function isWanted(name: string, wanted: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  const term = queryTerms(name)[0];
  return (
    wanted.has(lower) ||
    (term !== undefined && wanted.has(term)) ||
    [...wanted].some((w) => w.endsWith(`.${lower}`) || w.endsWith(`::${lower}`))
  );
}

function emit(lines: readonly string[], folds: readonly Fold[], key: string | undefined): string {
  const out: string[] = [];
  let next = 0;
  for (const fold of folds) {
    if (fold.from < next) continue; // inside an earlier fold
    for (let i = next; i < fold.from; i++) out.push(lines[i] as string);
    const indent = /^\s*/.exec(lines[fold.from] ?? '')?.[0] ?? '';
    const marker = formatMarker({
      omitted: fold.to - fold.from + 1,
      total: lines.length,
      unit: 'lines',
      detail: `body of ${fold.name}, lines ${fold.from + 1}–${fold.to + 1}`,
      ...(key ? { key } : {}),
    });
    out.push(`${indent}${marker}`);
    next = fold.to + 1;
  }
  for (let i = next; i < lines.length; i++) out.push(lines[i] as string);
  return out.join('\n');
}
