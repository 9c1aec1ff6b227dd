import { formatMarker, hasMarkers, type Transform } from '@headroom/core';
import { createProseCrusher } from '../prose/prose-crusher.js';

/** The page's main content, when the markup names it; else the whole body. */
const MAIN_CONTENT = [
  { test: /<main[\s>]/i, selector: 'main' },
  { test: /<article[\s>]/i, selector: 'article' },
  { test: /role=["']main["']/i, selector: '[role=main]' },
];
/** Page furniture that is never content. */
const FURNITURE = [
  'nav',
  'header',
  'footer',
  'aside',
  'script',
  'style',
  'noscript',
  'svg',
  'template',
  'iframe',
  'form',
];

type Converter = (html: string) => string;
const converters = new Map<string, Promise<Converter>>();

/**
 * A converter for pages whose content sits under `main`, compiled once: compiling the selectors
 * costs ten times converting a 1 kB page. The converter and its parser (~40 ms to load) are
 * loaded at the first page seen.
 */
function converterFor(main: string): Promise<Converter> {
  let converter = converters.get(main);
  if (!converter) {
    converter = import('html-to-text').then(({ compile }) =>
      compile({
        wordwrap: false,
        baseElements: { selectors: [main], returnDomByDefault: true },
        selectors: [
          ...FURNITURE.map((selector) => ({ selector, format: 'skip' })),
          { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
          { selector: 'img', format: 'skip' },
        ],
      }),
    );
    converters.set(main, converter);
  }
  return converter;
}

/**
 * HTML: the main content as readable text (html-to-text: headings, paragraphs, lists, tables and
 * link targets kept; navigation, headers, footers, scripts and styles dropped), with a marker
 * counting the characters of markup and furniture left out; long pages are then cut like prose.
 */
export function createHtmlCrusher(): Transform {
  const prose = createProseCrusher();
  return {
    specificationVersion: 'v1',
    name: 'html-crusher',
    version: '1',
    contentTypes: ['html'],
    async compress(input, context) {
      const { text } = input;
      if (hasMarkers(text)) return { text };
      const main = MAIN_CONTENT.find((m) => m.test.test(text))?.selector ?? 'body';
      let readable: string;
      try {
        readable = (await converterFor(main))(text).trim();
      } catch {
        return { text };
      }
      if (!readable || readable.length >= text.length) return { text };
      const shorter = await prose.compress({ ...input, text: readable, contentType: 'prose' }, context);
      const marker = formatMarker({
        omitted: text.length - readable.length,
        total: text.length,
        unit: 'chars',
        detail: 'HTML markup, scripts, styles and page navigation',
        ...(context.retrievalKey ? { key: context.retrievalKey } : {}),
      });
      const crushed = `${marker}\n${shorter.text}`;
      return { text: context.tokenizer.count(crushed) < context.tokenizer.count(text) ? crushed : text };
    },
  };
}
