/** Languages the code crusher parses, by the grammar package and .wasm file that ship them. */
export type CodeLanguage = 'python' | 'javascript' | 'typescript' | 'tsx' | 'go' | 'rust' | 'java' | 'c' | 'cpp';

export const GRAMMARS: Record<CodeLanguage, string> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
  rust: 'tree-sitter-rust/tree-sitter-rust.wasm',
  java: 'tree-sitter-java/tree-sitter-java.wasm',
  c: 'tree-sitter-c/tree-sitter-c.wasm',
  cpp: 'tree-sitter-cpp/tree-sitter-cpp.wasm',
};

const EXTENSIONS: [RegExp, CodeLanguage][] = [
  [/\.py\b/, 'python'],
  [/\.tsx\b/, 'tsx'],
  [/\.(ts|mts|cts)\b/, 'typescript'],
  [/\.(js|mjs|cjs|jsx)\b/, 'javascript'],
  [/\.go\b/, 'go'],
  [/\.rs\b/, 'rust'],
  [/\.java\b/, 'java'],
  [/\.(cc|cpp|cxx|hpp|hh|hxx)\b/, 'cpp'],
  [/\.[ch]\b/, 'c'],
];

/**
 * The language of a piece of code: from a file name in the query (the tool call usually names
 * the file it read), else from the code's own signatures. Undefined when unsure.
 */
export function detectLanguage(code: string, query: string): CodeLanguage | undefined {
  for (const [ext, language] of EXTENSIONS) if (ext.test(query)) return language;
  const head = code.slice(0, 20_000);
  const score = (re: RegExp) => head.match(re)?.length ?? 0;
  const candidates: [CodeLanguage, number][] = [
    ['python', score(/^\s*(def |class \w+[:(]|from [\w.]+ import |import \w+$|if __name__ ==)/gm)],
    ['go', score(/^(package \w+|func (\(\w+ \*?\w+\) )?\w+\(|import \()/gm) * 2],
    ['rust', score(/^\s*(pub )?(fn |struct |enum |impl |use \w+::|mod \w+;|let mut )/gm)],
    [
      'java',
      score(
        /^\s*(public |private |protected )?(static )?(final )?(class|interface|void|[A-Z]\w*(<[\w<>, ]+>)?) \w+[ ({]|^import java\.|^package [\w.]+;/gm,
      ),
    ],
    ['cpp', score(/^\s*(#include <\w+>|template ?<|namespace \w+|std::|class \w+ (final )?[:{]|using namespace)/gm)],
    ['c', score(/^\s*(#include [<"][\w/]+\.h[>"]|(static )?(int|void|char|unsigned|struct \w+) \*?\w+\(|typedef )/gm)],
    [
      'javascript',
      score(/^\s*(export )?(async )?(function\*? \w+|const \w+ = (async )?\(|module\.exports|require\()/gm),
    ],
    ['typescript', score(/(^\s*(export )?(interface|type) \w+|: (string|number|boolean)\b|^\s*import .+ from ['"])/gm)],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  const [best, count] = candidates[0] as [CodeLanguage, number];
  if (count < 1) return undefined;
  // TypeScript signals on top of JavaScript ones mean TypeScript.
  if (best === 'javascript' && (candidates.find(([l]) => l === 'typescript')?.[1] ?? 0) >= 2) return 'typescript';
  return best;
}
