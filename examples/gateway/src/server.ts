/**
 * Starts the gateway on 127.0.0.1:$PORT (default 3000), forwarding to $UPSTREAM_URL. With no ISSUER it
 * runs the demo: an embedded issuer and API key; with no UPSTREAM_URL, an embedded echo upstream.
 */
import { curl, banner, listen, loadConfig, resolveSetup, runMain, stopOnSignals, DEMO_TOKEN_LIFETIME, type Demo, type Scenario } from '@portcullis/example-demo-kit';
import { echoUpstream } from './echo-upstream.js';
import { createGateway } from './gateway.js';

async function main(): Promise<void> {
  const setup = await resolveSetup(loadConfig(process.env));
  const echo = process.env.UPSTREAM_URL ? undefined : await listen(echoUpstream, 0);
  const stopAll = async () => {
    await echo?.close();
    await setup.close();
  };
  try {
    const upstream = process.env.UPSTREAM_URL ?? echo!.url;
    const apiKeys = setup.apiKeys.length ? { keys: setup.apiKeys } : undefined;
    const http = await listen(createGateway({ auth: { ...setup.auth, apiKeys }, upstream }), setup.port);
    const scenarios = setup.demo ? await gatewayScenarios(http.url, setup.demo) : [];
    console.log(banner({ name: `Gateway (upstream ${upstream})`, url: http.url, setup, scenarios }));
    stopOnSignals(async () => {
      await http.close();
      await stopAll();
    });
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function gatewayScenarios(baseUrl: string, demo: Demo): Promise<Scenario[]> {
  const claims = { sub: 'demo-user', scope: 'read:messages' };
  const token = await demo.issuer.sign(claims, { expiresIn: DEMO_TOKEN_LIFETIME });
  const expired = await demo.issuer.badTokens.expired(claims);
  const url = `${baseUrl}/anything`;
  return [
    { title: 'No token', status: 401, curl: curl(url) },
    { title: 'Valid token: upstream sees x-auth-subject demo-user', status: 200, curl: curl(url, { headers: { Authorization: `Bearer ${token}` } }) },
    { title: 'Forged x-auth-subject without a token', status: 401, curl: curl(url, { headers: { 'x-auth-subject': 'admin' } }) },
    {
      title: 'Valid token plus a forged x-auth-subject: upstream still sees demo-user',
      status: 200,
      curl: curl(url, { headers: { Authorization: `Bearer ${token}`, 'x-auth-subject': 'admin' } }),
    },
    { title: 'Expired token', status: 401, curl: curl(url, { headers: { Authorization: `Bearer ${expired}` } }) },
    { title: 'API key', status: 200, curl: curl(url, { headers: { 'x-api-key': demo.apiKey } }) },
    { title: 'Token in the query string (refused)', status: 400, curl: curl(`${url}?access_token=${token}`) },
  ];
}

runMain(main);
