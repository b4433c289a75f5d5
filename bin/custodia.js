#!/usr/bin/env node
// The `custodia` command. Runs the compiled code (built by `npm install` through the prepare script).
import { main } from '../dist/main.js';

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`custodia: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
