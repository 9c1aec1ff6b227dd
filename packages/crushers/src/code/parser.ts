import { Language, Parser } from 'web-tree-sitter';
import { type CodeLanguage, GRAMMARS } from './languages.js';

let ready: Promise<void> | undefined;
const languages = new Map<CodeLanguage, Promise<Language>>();

/**
 * Where grammar files come from. The default resolves the `.wasm` inside each grammar's npm
 * package (Node); other runtimes pass their own loader.
 */
export type GrammarLoader = (file: string) => Promise<string | Uint8Array>;

export const nodeGrammarLoader: GrammarLoader = async (file) => {
  const { createRequire } = await import('node:module');
  return createRequire(import.meta.url).resolve(file);
};

/** A parser for `language`, loading the runtime and the grammar once per process. */
export async function parserFor(language: CodeLanguage, load: GrammarLoader): Promise<Parser> {
  ready ??= Parser.init();
  await ready;
  let lang = languages.get(language);
  if (!lang) {
    lang = load(GRAMMARS[language]).then((source) => Language.load(source));
    languages.set(language, lang);
  }
  const parser = new Parser();
  parser.setLanguage(await lang);
  return parser;
}
