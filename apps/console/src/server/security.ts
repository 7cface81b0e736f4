/**
 * Who may use the console and how. Four rules, each a middleware:
 *  - Host check: without a token the console answers only to loopback host names, so a web page
 *    cannot reach it through DNS rebinding (a name of theirs that resolves to 127.0.0.1).
 *  - Token: when one is set, every request carries it, as `Authorization: Bearer` or as the session
 *    cookie that opening `/?token=…` once sets (HttpOnly, SameSite=Strict, a digest, not the token).
 *  - CSRF: every POST carries the per-process CSRF token from /api/session in `x-csrf-token`, and,
 *    when the browser says where it comes from (Origin, Sec-Fetch-Site), comes from this origin.
 *  - Read-only: every POST is refused.
 * Plus headers that keep the page to its own scripts (CSP) and out of frames.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { isLoopback } from '../options.js';

export const SESSION_COOKIE = 'hive_console';
export const CSRF_HEADER = 'x-csrf-token';

/** Who did something, for the log line every change writes. */
export interface Who {
  ip: string;
  userAgent: string;
  /** How the request was let in. */
  auth: 'token' | 'loopback';
}

export type ConsoleEnv = { Variables: { who: Who } };

export interface Guard {
  /** The value the page sends back in x-csrf-token. */
  readonly csrfToken: string;
  readonly middleware: MiddlewareHandler<ConsoleEnv>[];
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The middlewares, in order, for a console with these settings. */
export function createGuard(opts: { token: string | undefined; readOnly: boolean; remoteAddress: (c: Context) => string }): Guard {
  const csrfToken = randomBytes(24).toString('base64url');
  const session = opts.token === undefined ? undefined : createHmac('sha256', opts.token).update('hive-console-session').digest('base64url');

  const headers: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  };

  const hostCheck: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (opts.token === undefined) {
      const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
      if (!isLoopback(host)) return c.json({ error: `this console answers only to loopback host names (got Host "${host}")` }, 421);
    }
    return next();
  };

  const auth: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    const who = (kind: Who['auth']): Who => ({ ip: opts.remoteAddress(c), userAgent: c.req.header('user-agent') ?? '', auth: kind });
    if (opts.token === undefined || session === undefined) {
      c.set('who', who('loopback'));
      return next();
    }
    const given = c.req.query('token');
    if (given !== undefined && c.req.method === 'GET' && same(given, opts.token)) {
      // Trade the token in the address for a cookie, and drop it from the address bar and history.
      setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:' });
      return c.redirect(new URL(c.req.url).pathname, 303);
    }
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = getCookie(c, SESSION_COOKIE);
    if ((bearer !== undefined && same(bearer, opts.token)) || (cookie !== undefined && same(cookie, session))) {
      c.set('who', who('token'));
      return next();
    }
    if (c.req.path.startsWith('/api/')) return c.json({ error: 'a token is required: send Authorization: Bearer <token>, or open /?token=<token> once' }, 401);
    return c.html(LOGIN_PAGE, 401);
  };

  const writes: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (opts.readOnly) return c.json({ error: 'the console is read-only (started with --read-only): nothing can be changed from it' }, 403);
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin') return c.json({ error: `cross-site request refused (Sec-Fetch-Site: ${site})` }, 403);
    const origin = c.req.header('origin');
    const host = c.req.header('host');
    if (origin !== undefined && (host === undefined || new URL(origin).host !== host)) return c.json({ error: `cross-origin request refused (Origin ${origin})` }, 403);
    const csrf = c.req.header(CSRF_HEADER);
    if (csrf === undefined || !same(csrf, csrfToken)) return c.json({ error: `missing or wrong ${CSRF_HEADER}: reload the page (the token changes when the console restarts)` }, 403);
    return next();
  };

  return { csrfToken, middleware: [headers, hostCheck, auth, writes] };
}

const LOGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hive console: token required</title></head>
<body><h1>Hive console</h1><p>This console needs its token. Open <code>/?token=&lt;token&gt;</code> once (the token is in
<code>HIVE_CONSOLE_TOKEN</code> where the console runs); it is then kept in a cookie for this browser.</p></body></html>`;
