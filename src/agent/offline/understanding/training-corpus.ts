import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../../paths.js';
import { bundledDirectory } from './company-directory.js';
import { normaliseForClassifier } from './understand.js';

/**
 * Labelled sentences beyond the built-in examples: the routing sets in test/fixtures (their
 * intents mapped onto the classifier's) and every tuning set of ticket work — the first tuning
 * split, the first held-out split (measured once, tuning data since), and the second and third
 * rounds' tuning splits. Only present in a source checkout; the build trains with them and ships
 * the model. The second and third rounds' held-out splits (`v2.heldout`, `v3.heldout`) are
 * regression guards and are never listed here.
 */
const ROUTING_SETS = [
  'routing.labelled.jsonl',
  'routing.heldout.jsonl',
  'routing.ticket-ops.jsonl',
  'understanding.tune.ticket-work.jsonl',
  'understanding.tune.routing-mix.jsonl',
  'understanding.heldout.ticket-work.jsonl',
  'understanding.heldout.routing-mix.jsonl',
  'understanding.v2.tune.ticket-work.jsonl',
  'understanding.v2.tune.routing-mix.jsonl',
  'understanding.v3.tune.ticket-work.jsonl',
  'understanding.v3.tune.routing-mix.jsonl',
];

const ROUTING_INTENTS: Record<string, string> = {
  kb_question: 'knowledge',
  create_ticket: 'create_ticket',
  ticket_status: 'get_ticket',
  list_tickets: 'search_tickets',
  add_note: 'add_internal_note',
  add_reply: 'reply_to_ticket',
};

const TRANSITIONS: Record<string, string> = {
  resolved: 'resolve_ticket',
  closed: 'close_ticket',
  canceled: 'cancel_ticket',
  pending: 'pending_ticket',
  open: 'reopen_ticket',
};

/** The classifier's intent for a labelled line of either format (routing sets, or tool + args). */
export function intentOfLabel(label: {
  intent?: string;
  tool?: string;
  args?: Record<string, unknown>;
}): string | undefined {
  if (label.intent) return ROUTING_INTENTS[label.intent] ?? label.intent;
  const args = label.args ?? {};
  switch (label.tool) {
    case undefined:
    case 'clarify':
    case 'analyze_log':
      return undefined;
    case 'search_knowledge':
      return 'knowledge';
    case 'transition_ticket':
      return TRANSITIONS[String(args.to)];
    case 'search_tickets':
      return args.count ? 'count_tickets' : 'search_tickets';
    case 'update_ticket':
      return 'priority' in args ? 'set_priority' : 'update_ticket';
    default:
      return label.tool;
  }
}

/** Every labelled pair, or only those from the named sets (to measure a set the model has not seen). */
export function trainingCorpus(options: { exclude?: string[] } = {}): [string, string][] {
  const directory = bundledDirectory();
  const pairs: [string, string][] = [];
  for (const name of ROUTING_SETS.filter((set) => !options.exclude?.includes(set))) {
    const file = path.join(packageRoot(), 'test', 'fixtures', name);
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const label = JSON.parse(line) as {
        utterance: string;
        intent?: string;
        tool?: string;
        args?: Record<string, unknown>;
      };
      const intent = intentOfLabel(label);
      if (intent) pairs.push([normaliseForClassifier(label.utterance, directory), intent]);
    }
  }
  return pairs;
}
