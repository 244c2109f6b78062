import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../../paths.js';
import { bundledDirectory } from './company-directory.js';
import { normaliseForClassifier } from './understand.js';

/**
 * Labelled sentences beyond the built-in examples: the routing sets in test/fixtures (their
 * intents mapped onto the classifier's) and every tuning set of ticket work — the first tuning
 * split, the first and third rounds' held-out splits (each measured once, tuning data since), and
 * the second, third and fourth rounds' tuning splits. Only present in a source checkout; the build trains
 * with them and ships the model. The second round's held-out split (`v2.heldout`) stays a
 * regression guard the model never learns; the third's was added after its one measurement. The
 * fourth round's held-out split is not in the repository until it has been measured.
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
  'understanding.v3.heldout.ticket-work.jsonl',
  'understanding.v3.heldout.routing-mix.jsonl',
  'understanding.v4.tune.ticket-work.jsonl',
  'understanding.v4.tune.routing-mix.jsonl',
];

/**
 * Knowledge questions from the retrieval tuning sets (`{query}` lines): without them the ticket
 * sets, ten times their size, taught the classifier that most sentences are searches. Their
 * held-out halves stay out, so routing can be checked on questions the model never saw.
 */
export const KNOWLEDGE_SETS = [
  'kb-answerable.tune.jsonl',
  'kb-unanswerable.tune.jsonl',
  'kb-answerable.v2.tune.jsonl',
  'kb-unanswerable.v2.tune.jsonl',
  'ms-everyday.tune.jsonl',
  'ms-own-words.tune.jsonl',
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

/** The non-empty lines of a fixture, or none outside a source checkout. */
function readLines(name: string): string[] {
  const file = path.join(packageRoot(), 'test', 'fixtures', name);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim());
}

/** Every labelled pair, or only those from the named sets (to measure a set the model has not seen). */
export function trainingCorpus(options: { exclude?: string[] } = {}): [string, string][] {
  const directory = bundledDirectory();
  const pairs: [string, string][] = [];
  for (const name of ROUTING_SETS.filter((set) => !options.exclude?.includes(set))) {
    for (const line of readLines(name)) {
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
  for (const name of KNOWLEDGE_SETS.filter((set) => !options.exclude?.includes(set))) {
    for (const line of readLines(name)) {
      const { query } = JSON.parse(line) as { query: string };
      pairs.push([normaliseForClassifier(query, directory), 'knowledge']);
    }
  }
  return pairs;
}
