// Preloaded (NODE_OPTIONS=--import) into a process whose socket traffic network-trace.ts wants:
// while on (the first SIGUSR2 turns it on, the second off and writes $HIVE_TRACE_OUT), every chunk
// a net.Socket reads (Readable#push: Redis replies; node:http's server parses its requests in C++,
// out of push's sight, so each request is recorded when the server emits it, as R "request" with its
// method and URL), every write it makes (_writeGeneric, with how long that call took: on a VM the
// write syscall that wakes a sleeping peer is most of it) and every GC, on performance.now()'s clock.
// Plain JavaScript so that it loads before any loader.
import http from 'node:http';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const out = process.env.HIVE_TRACE_OUT;
if (out) {
  /** [at ms, 'R' | 'W' | 'GC', `${localPort}>${remotePort}` or GC kind, bytes, first bytes, call ms] */
  const events = [];
  let on = false;
  const end = (s) => `${s.localPort ?? '?'}>${s.remotePort ?? '?'}`;
  const head = (c) => String(c).slice(0, 160).replace(/\r\n/g, ' ');
  const push = net.Socket.prototype.push;
  net.Socket.prototype.push = function (chunk, encoding) {
    if (on && chunk) events.push([performance.now(), 'R', end(this), chunk.length, head(chunk)]);
    return push.call(this, chunk, encoding);
  };
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, ...rest) {
    if (on && event === 'request') events.push([performance.now(), 'R', 'request', 0, `${req.method} ${req.url}`]);
    return emit.call(this, event, req, ...rest);
  };
  const writeGeneric = net.Socket.prototype._writeGeneric;
  net.Socket.prototype._writeGeneric = function (writev, data, encoding, cb) {
    const at = performance.now();
    const r = writeGeneric.call(this, writev, data, encoding, cb);
    if (on) {
      const chunks = writev ? data.map((d) => d.chunk ?? d) : [data];
      events.push([at, 'W', end(this), chunks.reduce((n, c) => n + c.length, 0), head(chunks.map(String).join('')), performance.now() - at]);
    }
    return r;
  };
  new PerformanceObserver((list) => {
    if (on) for (const e of list.getEntries()) events.push([e.startTime, 'GC', String(e.detail?.kind ?? ''), 0, '', e.duration]);
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    on = !on;
    if (on) return;
    writeFileSync(out, JSON.stringify(events));
    events.length = 0;
  });
}
