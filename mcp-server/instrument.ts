import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** How a tool call ended: a result, a business failure (isError), or an exception the SDK turned into one. */
export type ToolCallOutcome = 'ok' | 'error' | 'exception';

export type ToolCallObserver = (call: { tool: string; outcome: ToolCallOutcome; seconds: number }) => void;

/**
 * Makes every tool registered on `server` from now on report its calls to `observe`: one place
 * for metrics and logs, so no tool can forget to be counted.
 */
export function instrumentTools(server: McpServer, observe: ToolCallObserver): void {
  const register = server.registerTool.bind(server) as (name: string, config: unknown, handler: unknown) => unknown;
  const instrumented = (name: string, config: unknown, handler: (...args: unknown[]) => Promise<CallToolResult>) =>
    register(name, config, async (...args: unknown[]) => {
      const started = performance.now();
      try {
        const result = await handler(...args);
        observe({
          tool: name,
          outcome: result.isError ? 'error' : 'ok',
          seconds: (performance.now() - started) / 1000,
        });
        return result;
      } catch (error) {
        observe({ tool: name, outcome: 'exception', seconds: (performance.now() - started) / 1000 });
        throw error;
      }
    });
  server.registerTool = instrumented as unknown as McpServer['registerTool'];
}
