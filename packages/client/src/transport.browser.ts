// Browsers: the native WebSocket transport only, so polling never lands in the widget bundle.
export { WebSocket as transport } from 'engine.io-client';
