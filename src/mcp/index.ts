export type { ConnectOptions, TicketServerConnection, ToolInfo, ToolOutcome } from './ticket-server-client.js';
export { connectTicketServer } from './ticket-server-client.js';
export { spawnTicketServer, type SpawnOptions } from './spawn.js';
