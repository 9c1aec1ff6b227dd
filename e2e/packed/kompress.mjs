// @headroom/kompress with a tiny model it builds itself: onnxruntime-node loads and scores on this Node.
import { compressText } from '@headroom/core';
import { createProseCrusher, defaultCrushers, detectContentType } from '@headroom/crushers';
import { createKompress } from '@headroom/kompress';
import { tinyModel } from '@headroom/kompress/testing';

const model = tinyModel(['rollout', 'paused', 'quota', 'region'], ['the', 'was', 'because', 'of', 'a', 'and', 'it']);
const kompress = createKompress({ modelDir: model.dir, fallback: createProseCrusher(), deadlineMs: 60_000 });
const prose = Array.from(
  { length: 40 },
  (_, i) => `The rollout ${i} was paused because of a quota in the region and it stopped at step ${i}.`,
).join(' ');
const { text } = await compressText(prose, {
  transforms: [kompress, ...defaultCrushers()],
  detect: detectContentType,
});
console.log(JSON.stringify({ status: kompress.status(), text }));
await kompress.close();
