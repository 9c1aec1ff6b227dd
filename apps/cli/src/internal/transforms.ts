import type { ContentDetector, Transform } from '@headroom/core';
import { defaultCrushers, detectContentType } from '@headroom/crushers';

/** The compressors the CLI assembles and the router that picks one per segment. */
export function defaultPipeline(): { transforms: Transform[]; detect: ContentDetector } {
  return { transforms: defaultCrushers(), detect: detectContentType };
}
