/**
 * Scaffolding shared by the examples' demo mode. Not part of portcullis: the code worth copying is in
 * each example's `src/app.ts` (or the gateway's `src/gateway.ts`).
 */
export { loadConfig, readApiKeysFile, type ExampleConfig, type StoredApiKey } from './config.js';
export { resolveSetup, DEMO_KEY_SCOPES, type Demo, type ExampleSetup } from './embedded-issuer.js';
export { apiScenarios, curl, formatScenarios, DEMO_TOKEN_LIFETIME, type CurlRequest, type Scenario } from './scenarios.js';
export { banner, READY_LINE } from './banner.js';
export { listen, runMain, stopOnSignals, type Listening } from './serve.js';
