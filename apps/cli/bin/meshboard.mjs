#!/usr/bin/env node
// The `meshboard` command. A committed launcher (not dist/ directly) so `npm install` links the command before
// the first build; it runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('meshboard: the CLI is not built yet: run `npm run build` (or `npm start`) in the repository first\n');
  process.exit(1);
}
await import(main.href);
