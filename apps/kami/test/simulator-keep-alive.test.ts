/** The simulator keeps a client's connection for its next request (a kept-alive node:http Agent reuses it), and stop() still closes it at once. */
import { Agent, request } from 'node:http';
import { silentLogger } from '@hive/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatorPort, SIM_KEEP_ALIVE_MS, type SimulatorPort } from '../src/whatsapp/simulator.js';

let sim: SimulatorPort | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function get(agent: Agent, url: string): Promise<{ status: number; reused: boolean; keepAlive: string | undefined; socketClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        const socket = req.socket!;
        const socketClosed = socket.destroyed ? Promise.resolve() : new Promise<void>((r) => socket.once('close', () => r()));
        const keepAlive = res.headers['keep-alive'];
        resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, keepAlive: typeof keepAlive === 'string' ? keepAlive : undefined, socketClosed });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('simulator connections', () => {
  it('a kept-alive client sends its later requests on the first connection', async () => {
    sim = createSimulatorPort({ host: '127.0.0.1', port: 0, defaultFrom: '15555550100@c.us', log: silentLogger });
    await sim.start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(agent, `${sim.url}/health`);
      expect(first).toMatchObject({ status: 200, reused: false, keepAlive: `timeout=${SIM_KEEP_ALIVE_MS / 1000}` });
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 20));
        expect(await get(agent, `${sim.url}/health`)).toMatchObject({ status: 200, reused: true });
      }
    } finally {
      agent.destroy();
    }
  });

  it('stop() closes an idle kept-alive connection instead of waiting for it to time out', async () => {
    sim = createSimulatorPort({ host: '127.0.0.1', port: 0, defaultFrom: '15555550100@c.us', log: silentLogger });
    await sim.start();
    const agent = new Agent({ keepAlive: true });
    try {
      const r = await get(agent, `${sim.url}/health`);
      expect(r.status).toBe(200);
      await sim.stop();
      sim = undefined;
      await r.socketClosed;
    } finally {
      agent.destroy();
    }
  });
});
