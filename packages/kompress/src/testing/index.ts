export { gatherModel, SPECIAL, type TinyModel, tinyModel, wordPieceTokenizer } from './tiny-model.js';
