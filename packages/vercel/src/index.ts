export { type HeadroomFigures, type HeadroomMiddlewareOptions, headroomMiddleware } from './middleware.js';
