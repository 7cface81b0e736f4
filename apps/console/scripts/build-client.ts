/** `npm run build`: bundle the console's page into dist/client, so a built console serves it without esbuild. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildClient, CLIENT_DIST_DIR, CLIENT_SOURCE_DIR } from '../src/server/client-bundle.js';

mkdirSync(CLIENT_DIST_DIR, { recursive: true });
const { js, css, ms } = await buildClient(CLIENT_DIST_DIR);
copyFileSync(join(CLIENT_SOURCE_DIR, 'index.html'), join(CLIENT_DIST_DIR, 'index.html'));
process.stdout.write(`console page bundled into ${CLIENT_DIST_DIR} in ${ms} ms (app.js ${Math.round(js.length / 1024)} KiB, app.css ${Math.round(css.length / 1024)} KiB)\n`);
