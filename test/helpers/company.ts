import type { CompanySeed } from '../../src/tickets/index.js';

/** A tiny company for ticket tests: two teams, three agents, two requesters, a small category tree. */
export const TEST_COMPANY: CompanySeed = {
  groups: [
    { name: 'Service Desk', description: 'First line' },
    { name: 'Network', description: 'Network and VPN' },
  ],
  users: [
    { username: 'maria.lopez', displayName: 'Maria Lopez', role: 'agent', groups: ['Service Desk'] },
    { username: 'john.okafor', displayName: 'John Okafor', role: 'agent', groups: ['Network'] },
    { username: 'priya.shah', displayName: 'Priya Shah', role: 'agent', groups: ['Service Desk', 'Network'] },
    { username: 'ana.ruiz', displayName: 'Ana Ruiz', role: 'requester', department: 'Finance', groups: [] },
    { username: 'ben.cole', displayName: 'Ben Cole', role: 'requester', department: 'Sales', groups: [] },
  ],
  categories: [
    { path: 'Network', defaultGroup: 'Network' },
    { path: 'Network/VPN', defaultGroup: 'Network' },
    { path: 'Printing', defaultGroup: 'Service Desk' },
  ],
};
