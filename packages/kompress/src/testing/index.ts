export {
  gatherModel,
  SPECIAL,
  type TinyModel,
  tinyEmbeddingModel,
  tinyModel,
  wordPieceTokenizer,
} from './tiny-model.js';
