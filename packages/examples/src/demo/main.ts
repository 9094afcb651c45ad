// The demo the README's first command runs: `pnpm run demo`.
import { runDemo } from './run-demo.js';

try {
  process.exitCode = await runDemo();
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
