// Entry of the MCP server as its own process: what `itbot ask` and the TUI spawn over stdio.
import { resolveConfig } from '../src/config/index.js';
import { errorMessage, ItbotError } from '../src/errors.js';
import { startStdioServer } from './start.js';

try {
  const readOnly = process.argv.includes('--read-only');
  await startStdioServer(resolveConfig(), `itbot mcp (stdio, parent pid ${process.ppid})`, { readOnly });
} catch (error) {
  process.stderr.write(`itbot-mcp: ${errorMessage(error)}\n`);
  process.exit(error instanceof ItbotError ? error.exitCode : 1);
}
