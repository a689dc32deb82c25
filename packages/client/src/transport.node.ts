// Node (tests, benchmarks, server-side tools): the `ws`-based transport.
export { NodeWebSocket as transport } from 'engine.io-client';
