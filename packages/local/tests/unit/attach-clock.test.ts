import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.js';
import { attachClock } from '../../src/http/attach-clock.js';

function get(
  port: number,
  headers: Record<string, string> = {},
): Promise<{ date: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ date: res.headers.date, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Function: attachClock', () => {
  it('keeps the clock busy while a request is in flight and sends the virtual time as Date', async () => {
    // Prepare
    const clock = new ManualClock({ start: Date.parse('2031-07-15T09:00:00.000Z') });
    const busyDuringRequest: boolean[] = [];
    let answer: () => void = () => undefined;
    const server = createServer((_req, res) => {
      busyDuringRequest.push(clock.busy);
      answer = () => res.end('ok');
    });
    attachClock(server, clock);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Act
      const response = get(port);
      while (busyDuringRequest.length === 0) await new Promise((r) => setTimeout(r, 5));
      let advanced = false;
      const advancing = clock.advance(60_000).then(() => {
        advanced = true;
      });
      await new Promise((r) => setTimeout(r, 30));
      const advancedWhileInFlight = advanced;
      answer();
      const { date } = await response;
      await advancing;

      // Assess
      expect(busyDuringRequest).toEqual([true]);
      expect(advancedWhileInFlight).toBe(false);
      expect(date).toBe('Tue, 15 Jul 2031 09:00:00 GMT');
      expect(clock.busy).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('replaces the signing time with the wall time when told to accept any request time', async () => {
    // Prepare
    const clock = new ManualClock({ start: Date.parse('2031-07-15T09:00:00.000Z') });
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers['x-amz-date'] as string | undefined);
      res.end();
    });
    attachClock(server, clock, { acceptAnyRequestTime: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Act
      const before = Date.now();
      await get(port, { 'x-amz-date': '20310715T090000Z' });
      await get(port);

      // Assess
      const [rewritten, absent] = seen;
      expect(absent).toBeUndefined();
      expect(rewritten).toMatch(/^\d{8}T\d{6}Z$/);
      const parsed = Date.parse(
        (rewritten as string).replace(
          /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
          '$1-$2-$3T$4:$5:$6Z',
        ),
      );
      expect(Math.abs(parsed - before)).toBeLessThan(60_000);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
