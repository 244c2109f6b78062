export { type SpawnOptions, spawnTicketServer } from './spawn.js';
export type {
  CallOptions,
  ConnectOptions,
  TicketServerConnection,
  ToolInfo,
  ToolOutcome,
} from './ticket-server-client.js';
export { connectTicketServer } from './ticket-server-client.js';
