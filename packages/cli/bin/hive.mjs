#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx in a workspace checkout, or from dist when built.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'main.js');
if (existsSync(dist) && !process.env.HIVE_CLI_FROM_SOURCE) {
  await import(pathToFileURL(dist).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=@hive/source`;
  await import(pathToFileURL(join(here, '..', 'src', 'main.ts')).href);
}
