#!/usr/bin/env node
// The `custodia` command. Runs the compiled code (built by `npm install` through the prepare script).
// File copies keep several reads, writes and fsyncs in flight at once: give libuv's pool room for them.
process.env.UV_THREADPOOL_SIZE ??= '16';
const { main } = await import('../dist/main.js');

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`custodia: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
