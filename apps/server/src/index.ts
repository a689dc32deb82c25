// The relay as a library, for the start script, tests and benchmarks.
export { type Relay, startRelay } from './app';
export { type Config, loadConfig } from './config';
export { startEmbeddedMongo } from './db/embedded';
export { identityHash } from './sites/service';
