/**
 * Exact strings worth finding verbatim: quoted text, identifiers (snake_case, camelCase,
 * dotted), paths, numbers of three or more digits, versions, addresses and hashes. BM25 ranks
 * by words; anchors catch what words miss (`multi_turn_checker`, `10.250.19.227:50010`, `1368`).
 */
export function queryAnchors(query: string): string[] {
  const found = new Set<string>();
  for (const m of query.matchAll(/"([^"\n]{2,200})"|'([^'\n]{2,200})'|`([^`\n]{2,200})`/g)) {
    const quoted = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (quoted.length >= 2) found.add(quoted);
  }
  for (const m of query.matchAll(/[\w./:@+-]+/g)) {
    const token = m[0].replace(/^[^\w/.@]+|[^\w]+$/g, '');
    if (token.length < 3) continue;
    const isNumber = /^\d{3,}$/.test(token);
    const isStructured = /[_./:@]|\d/.test(token) && /[A-Za-z0-9]/.test(token) && !/^\d{1,2}$/.test(token);
    const isCamel = /[a-z][A-Z]|[A-Z]{2,}[a-z]/.test(token);
    if (isNumber || isStructured || isCamel) found.add(token);
  }
  return [...found].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/**
 * Indexes of the units holding each anchor, keeping only anchors that single out a few units
 * (at most `max(3, 2%)` of them): an anchor found everywhere says nothing about what to keep.
 */
export function anchorHits(units: readonly string[], anchors: readonly string[]): Set<number> {
  const hits = new Set<number>();
  if (anchors.length === 0) return hits;
  const limit = Math.max(3, Math.ceil(units.length * 0.02));
  const lowered = units.map((u) => u.toLowerCase());
  for (const anchor of anchors) {
    const needle = anchor.toLowerCase();
    const matches: number[] = [];
    for (let i = 0; i < lowered.length && matches.length <= limit; i++) {
      if ((lowered[i] as string).includes(needle)) matches.push(i);
    }
    if (matches.length > 0 && matches.length <= limit) for (const i of matches) hits.add(i);
  }
  return hits;
}

/**
 * Lines that define an identifier the query names — `def dumps(`, `function parseArgs(`,
 * `class Foo`, or a signature line starting with the name — found by the identifier's last
 * segment (`json.dumps` → `dumps`). Documentation and code answer "what is X" there.
 */
export function definitionHits(lines: readonly string[], anchors: readonly string[]): Set<number> {
  const hits = new Set<number>();
  const names = new Set<string>();
  for (const anchor of anchors) {
    const last = /([A-Za-z_$][\w$]{2,})\W*$/.exec(anchor)?.[1];
    if (last) names.add(last);
  }
  if (names.size === 0) return hits;
  const keyword =
    '(?:(?:export|public|private|protected|static|async|pub|override)\\s+)*(?:def|function|fn|func|class|interface|struct|enum|trait|type|const|let|var)?\\s*';
  const patterns = [...names].map((n) => new RegExp(`^\\s*${keyword}${n.replace(/\$/g, '\\$')}\\s*[(<:={]`));
  lines.forEach((line, i) => {
    if (patterns.some((p) => p.test(line))) hits.add(i);
  });
  return hits;
}

/**
 * Paths the query names that the text never writes whole, split into the directory and the name
 * under it: `ls -R` and similar outputs head a block with the directory (`/usr/share/doc/grep:`)
 * and list the name inside it (`copyright`), so the path is found as that scope and that name.
 */
export function pathScopes(texts: readonly string[], anchors: readonly string[]): { dir: string; name: string }[] {
  const scopes: { dir: string; name: string }[] = [];
  for (const anchor of anchors) {
    const cut = anchor.lastIndexOf('/');
    if (cut < 2 || cut === anchor.length - 1) continue;
    if (texts.some((t) => t.includes(anchor))) continue;
    scopes.push({ dir: anchor.slice(0, cut), name: anchor.slice(cut + 1) });
  }
  return scopes;
}
