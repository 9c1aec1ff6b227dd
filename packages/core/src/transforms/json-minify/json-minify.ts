import type { Transform } from '../../transform/transform.js';
import { scanJson } from './json-scanner.js';

/**
 * Lossless JSON whitespace removal. Values are copied byte for byte from the input (see
 * `scanJson`), so nothing the model reads changes except indentation and spacing. Text that
 * is not strict JSON passes through untouched.
 *
 * @example
 * const pipeline = createPipeline({ transforms: [createJsonMinify()] })
 */
export function createJsonMinify(): Transform {
  return {
    specificationVersion: 'v1',
    name: 'json-minify',
    version: '1',
    contentTypes: ['json'],
    compress({ text }) {
      const scan = scanJson(text);
      return { text: scan.ok ? scan.minified : text };
    },
  };
}
