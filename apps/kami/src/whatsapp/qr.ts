/**
 * The login QR: printed in the terminal (qrcode's terminal renderer) and written as a PNG to the
 * data dir, for a server with no terminal at hand. The QR is a login credential for a few seconds,
 * so it is never logged, and the PNG is removed once the session is authenticated.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import QRCode from 'qrcode';

export const QR_PNG_NAME = 'login-qr.png';

export interface QrSink {
  /** Show a new QR code; resolves with where the PNG was written. */
  show(qr: string): Promise<string>;
  /** Remove what `show` left behind (after login). */
  clear(): Promise<void>;
}

/** A sink that prints to `out` (default stdout) and writes `<dir>/login-qr.png`. */
export function terminalAndPngQr(dir: string, out: { write(s: string): unknown } = process.stdout): QrSink {
  const png = join(dir, QR_PNG_NAME);
  return {
    async show(qr) {
      await mkdir(dir, { recursive: true });
      const tmp = `${png}.tmp`;
      await QRCode.toFile(tmp, qr, { type: 'png', margin: 2, width: 400 });
      await rename(tmp, png);
      const art = await QRCode.toString(qr, { type: 'terminal', small: true });
      out.write(`\nkami: scan this with WhatsApp on your phone (Settings → Linked devices → Link a device),\nor open ${png}\n${art}\n`);
      return png;
    },
    async clear() {
      await rm(png, { force: true });
    },
  };
}
