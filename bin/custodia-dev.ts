// Runs the CLI from TypeScript sources (tests and benchmarks spawn this, so they never run a stale build).
import { main } from '../src/main.js';

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`custodia: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
