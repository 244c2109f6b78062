import { resolveConfig } from '../config/index.js';

/**
 * `itbot mcp`: the same server `itbot ask` spawns, for other MCP hosts (IDEs, assistants).
 * It keeps serving after this returns, until its client closes stdin.
 */
export async function mcpCommand(options: { readOnly?: boolean }): Promise<undefined> {
  const { startStdioServer } = await import('../../mcp-server/start.js');
  await startStdioServer(resolveConfig(), 'itbot mcp (stdio)', { readOnly: options.readOnly });
  return undefined;
}
