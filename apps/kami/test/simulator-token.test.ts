/** The simulator's token: required beyond loopback (config and port refuse to start without), checked on every request when set. */
import { EnvConfigError, parseEnv } from '@hive/agent';
import { silentLogger } from '@hive/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { kamiConfigSchema, resolveConfig } from '../src/config.js';
import { createSimulatorPort, isLoopbackHost, SimulatorTokenRequiredError, type SimulatorPort } from '../src/whatsapp/simulator.js';

const TOKEN = 'a3f1c2d4e5b6a7980011223344556677';
let sim: SimulatorPort | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('simulator token', () => {
  it('tells loopback from the rest', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.8.9.10']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'kami', '10.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('the configuration refuses a simulator beyond loopback without KAMI_SIM_TOKEN, naming it; loopback needs none', () => {
    let err: unknown;
    try {
      parseEnv('kami', { KAMI_SIM_HOST: '0.0.0.0' }, kamiConfigSchema);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvConfigError);
    const problem = (err as EnvConfigError).problems.find((p) => p.variable === 'KAMI_SIM_TOKEN');
    expect(problem?.message).toMatch(/beyond loopback, without a token: set KAMI_SIM_TOKEN/);
    expect(resolveConfig(parseEnv('kami', { KAMI_SIM_HOST: '0.0.0.0', KAMI_SIM_TOKEN: TOKEN }, kamiConfigSchema).config).simulator).toEqual({ host: '0.0.0.0', port: 7777, token: TOKEN });
    expect(resolveConfig(parseEnv('kami', {}, kamiConfigSchema).config).simulator.token).toBeUndefined();
    // WhatsApp mode runs no simulator: no token needed.
    expect(() => parseEnv('kami', { KAMI_SIM_HOST: '0.0.0.0', WHATSAPP_ENABLED: '1', WHATSAPP_OWNER: '+491701234567' }, kamiConfigSchema)).not.toThrow();
    expect(() => parseEnv('kami', { KAMI_SIM_TOKEN: 'short' }, kamiConfigSchema)).toThrow(/KAMI_SIM_TOKEN/);
  });

  it('the port itself refuses to listen beyond loopback without a token', async () => {
    const port = createSimulatorPort({ host: '0.0.0.0', port: 0, defaultFrom: '15555550100@c.us', log: silentLogger });
    await expect(port.start()).rejects.toBeInstanceOf(SimulatorTokenRequiredError);
    expect(port.state).toBe('stopped');
  });

  it('with a token, a request without it gets 401 and does nothing; header, X-Kami-Token and ?token= pass', async () => {
    sim = createSimulatorPort({ host: '0.0.0.0', port: 0, token: TOKEN, defaultFrom: '15555550100@c.us', log: silentLogger });
    let received = 0;
    sim.onMessage(async (m) => {
      received++;
      return { status: 'published', messageId: m.messageId, chatId: m.chatId, entryId: '1-0' };
    });
    await sim.start();
    const url = sim.url.replace('0.0.0.0', '127.0.0.1');
    const post = (headers: Record<string, string>, query = '') =>
      fetch(`${url}/messages${query}`, { method: 'POST', body: JSON.stringify({ text: 'hi' }), headers: { 'content-type': 'application/json', ...headers } });
    const none = await post({});
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toMatch(/needs its token \(KAMI_SIM_TOKEN\)/);
    expect((await post({ authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect((await fetch(`${url}/health`)).status).toBe(401);
    expect((await fetch(`${url}/chats/15555550100/messages`)).status).toBe(401);
    expect(received).toBe(0);
    expect((await post({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post({ 'x-kami-token': TOKEN })).status).toBe(200);
    expect((await post({}, `?token=${TOKEN}`)).status).toBe(200);
    expect(received).toBe(3);
    expect((await fetch(`${url}/health?token=${TOKEN}`)).status).toBe(200);
  });
});
