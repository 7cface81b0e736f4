/**
 * The page's JavaScript and CSS, bundled by esbuild from src/client (Preact, dagre, uPlot; nothing
 * from a CDN). Run from source (`npm start`, `hive console` in a checkout), the console bundles in
 * memory at start, a fraction of a second, so what it serves is always the source it runs; run from
 * a build (`npm run build` wrote dist/client), it serves that bundle and never loads esbuild.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { Logger } from '@hive/agent';
import { ConsoleError } from '../errors.js';

/** The console package's directory (two up from src/server or dist/server). */
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const CLIENT_SOURCE_DIR = join(PACKAGE_DIR, 'src', 'client');
export const CLIENT_DIST_DIR = join(PACKAGE_DIR, 'dist', 'client');
const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

export interface ClientBundle {
  readonly html: string;
  readonly js: string;
  readonly css: string;
  /** Changes with the content, for ETags. */
  readonly etag: string;
  readonly origin: 'prebuilt' | 'built at start';
}

/** Bundle src/client with esbuild; to memory, or into `outdir` when given (the build script). */
export async function buildClient(outdir?: string): Promise<{ js: string; css: string; ms: number }> {
  const started = Date.now();
  const esbuild = await import('esbuild');
  // esbuild runs as a service process (~25 MiB) until told to stop; the console needs it once. (A
  // later esbuild call in this process, e.g. tsx's, starts a new one.)
  const result = await esbuild.build({
    absWorkingDir: PACKAGE_DIR,
    entryPoints: { app: join(CLIENT_SOURCE_DIR, 'main.tsx') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: outdir ?? join(PACKAGE_DIR, 'dist', 'client'),
    write: outdir !== undefined,
    logLevel: 'silent',
  }).finally(() => esbuild.stop());
  if (outdir !== undefined) return { js: readFileSync(join(outdir, 'app.js'), 'utf8'), css: readFileSync(join(outdir, 'app.css'), 'utf8'), ms: Date.now() - started };
  const file = (ext: string) => result.outputFiles?.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: file('.js'), css: file('.css'), ms: Date.now() - started };
}

/** The bundle to serve: the prebuilt one when running a build that has it, else built now. */
export async function loadClientBundle(log: Logger): Promise<ClientBundle> {
  const html = readFileSync(join(existsSync(join(CLIENT_DIST_DIR, 'index.html')) && !RUNNING_FROM_SOURCE ? CLIENT_DIST_DIR : CLIENT_SOURCE_DIR, 'index.html'), 'utf8');
  const etag = (parts: string[]) => `"${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 16)}"`;
  if (!RUNNING_FROM_SOURCE && existsSync(join(CLIENT_DIST_DIR, 'app.js'))) {
    const js = readFileSync(join(CLIENT_DIST_DIR, 'app.js'), 'utf8');
    const css = readFileSync(join(CLIENT_DIST_DIR, 'app.css'), 'utf8');
    return { html, js, css, etag: etag([html, js, css]), origin: 'prebuilt' };
  }
  if (!existsSync(join(CLIENT_SOURCE_DIR, 'main.tsx'))) {
    throw new ConsoleError('CONSOLE_BUNDLE', `no client bundle in ${CLIENT_DIST_DIR} and no client source in ${CLIENT_SOURCE_DIR}: run \`npm run build\``);
  }
  try {
    const { js, css, ms } = await buildClient();
    log.info({ ms, jsBytes: js.length, cssBytes: css.length }, 'console: client bundled from source');
    return { html, js, css, etag: etag([html, js, css]), origin: 'built at start' };
  } catch (err) {
    throw new ConsoleError('CONSOLE_BUNDLE', `bundling the console's page failed: ${(err as Error).message}`, { cause: err });
  }
}
