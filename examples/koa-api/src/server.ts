/**
 * Starts the example API on 127.0.0.1:$PORT (default 3000). With no ISSUER set it runs the demo: an
 * embedded issuer, a demo API key, and ready-to-paste curl commands with real tokens.
 */
import { apiScenarios, banner, listen, loadConfig, resolveSetup, runMain, stopOnSignals } from '@portcullis/example-demo-kit';
import { createApp } from './app.js';

async function main(): Promise<void> {
  const setup = await resolveSetup(loadConfig(process.env));
  try {
    const app = createApp({ auth: setup.auth, apiKeys: setup.apiKeys });
    const http = await listen(app.callback(), setup.port);
    const scenarios = setup.demo ? await apiScenarios(http.url, setup.demo) : [];
    console.log(banner({ name: 'Koa example API', url: http.url, setup, scenarios }));
    stopOnSignals(async () => {
      await http.close();
      await setup.close();
    });
  } catch (err) {
    await setup.close();
    throw err;
  }
}

runMain(main);
