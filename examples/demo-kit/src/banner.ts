/**
 * What an example prints once it listens: where it is, which identity provider it trusts, and — in demo
 * mode — the curl commands to try.
 */
import type { ExampleSetup } from './embedded-issuer.js';
import { DEMO_TOKEN_LIFETIME, formatScenarios, type Scenario } from './scenarios.js';

/** The last line printed at startup; the smoke tests wait for it. */
export const READY_LINE = 'Press Ctrl-C to stop.';

/**
 * Builds the startup text.
 *
 * @example
 * console.log(banner({ name: 'Express example API', url, setup, scenarios }));
 */
export function banner(options: { name: string; url: string; setup: ExampleSetup; scenarios?: Scenario[] }): string {
  const { name, url, setup, scenarios = [] } = options;
  const lines = [`${name} listening on ${url}`];
  if (setup.demo) {
    lines.push(`Identity provider: embedded demo issuer at ${setup.demo.issuer.url} (demo tokens last ${DEMO_TOKEN_LIFETIME})`);
  } else {
    lines.push(`Identity provider: ${JSON.stringify(setup.auth.issuer)}, audience ${JSON.stringify(setup.auth.audience)}`);
  }
  lines.push(`API keys configured: ${setup.apiKeys.length}`);
  if (scenarios.length > 0) {
    lines.push('', 'Try it (each comment names the status to expect):', '', formatScenarios(scenarios));
  }
  lines.push('', READY_LINE);
  return lines.join('\n');
}
