export { HeadroomChatModel, type HeadroomChatModelFields, type HeadroomRunFigures } from './chat-model.js';
export { type CompressMessagesOptions, compressMessages, type MessageFigures } from './compress-messages.js';
