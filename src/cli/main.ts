import { Command, InvalidArgumentError, Option } from 'commander';
import { ExitCode } from '../errors.js';
import { ITBOT_VERSION } from '../version.js';
import { runCommand } from './run-command.js';

// Any command function fits `never[]` parameters; commander supplies the real arguments.
type Action = (...args: never[]) => Promise<number | undefined>;
/**
 * Runs a command whose module is imported only when it runs: `itbot ask` never loads the TUI or
 * the admin commands, and `--help` stays instant. Commander passes the arguments, then options.
 */
function lazy(load: () => Promise<Action>) {
  return runCommand(async (...args: unknown[]) => {
    const action = (await load()) as (...args: unknown[]) => Promise<number | undefined>;
    return action(...args);
  });
}

/**
 * `itbot ask` from its bundle (dist/ask/, made by `npm run build`) when there is one: CI smoke
 * tests and scripts pay for loading it on every call. The modules themselves otherwise.
 */
async function loadAsk(): Promise<Action> {
  const bundle = new URL('../../ask/ask.js', import.meta.url);
  const { existsSync } = await import('node:fs');
  const module = (
    existsSync(bundle) ? await import(bundle.href) : await import('./ask.js')
  ) as typeof import('./ask.js');
  return module.askCommand;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

const program = new Command()
  .name('itbot')
  .description('IT-support assistant for the helpdesk: answers from the knowledge base and works tickets.')
  .version(ITBOT_VERSION, '-v, --version')
  .showHelpAfterError('(run `itbot help` or `itbot <command> --help` for usage)')
  .addHelpText('after', '\nRun `itbot` with no command to open the chat (in a terminal).')
  .configureOutput({ outputError: (text, write) => write(text) })
  .exitOverride((error) => {
    // commander's own exits: help and version are success, everything else is a usage error.
    const ok =
      error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
    process.exit(ok ? ExitCode.ok : ExitCode.usage);
  });

program
  .command('ask')
  .description('Ask one question or give one instruction; prints the answer (for scripts and CI)')
  .argument('[question...]', 'the question; read from stdin when omitted or "-"')
  .option(
    '-o, --output <format>',
    'text, json (one object at the end) or stream-json (JSON Lines events as they happen)',
  )
  .option('--json', 'short for --output json')
  .option('-y, --yes', 'allow tools that change data (open a ticket, …); without it they are described, not run')
  .option(
    '--allow <tools>',
    'only these tools may change data (comma-separated, e.g. create_ticket,update_ticket); implies consent for them',
  )
  .option('--max-writes <n>', 'at most this many changes per request', positiveInt, 1)
  .option('--provider <name>', 'model provider: auto (Gemini when GEMINI_API_KEY is set), offline or gemini', 'auto')
  .option('--max-steps <n>', 'stop after this many model steps', positiveInt, 8)
  .option('--tool-timeout <ms>', 'give up on one tool call after this long', positiveInt)
  .option('--no-cache', 'do not answer from, or store in, the response cache')
  .addHelpText(
    'after',
    `
Exit codes: 0 answered · 2 bad usage · 3 configuration · 4 store · 5 model unavailable ·
            6 step limit reached · 7 a tool call failed · 8 not found · 9 conflict (stale version) ·
            130 cancelled

Examples:
  itbot ask "outlook keeps asking for my password"
  itbot ask --yes "open a ticket: the 3rd floor printer is jammed"
  echo "status of IT-000042" | itbot ask --json
  itbot ask --output stream-json "why does the VPN drop every hour?" | jq -c .`,
  )
  .action(lazy(() => loadAsk()));

program
  .command('migrate')
  .description('Apply pending database migrations (sql/*.sql)')
  .option('--status', 'list applied and pending migrations without applying anything')
  .option('--json', 'print the result as JSON')
  .action(lazy(() => import('./migrate.js').then((module) => module.migrateCommand)));

program
  .command('reindex')
  .description('Index a directory of Markdown articles into the knowledge base (incremental)')
  .option('--source <dir>', 'directory of Markdown articles (default: the bundled kb/)')
  .option('--name <name>', 'name of this collection (default: "bundled" for kb/, else the directory path)')
  .option(
    '--rebuild',
    'rebuild this source from scratch beside the live index (other sources stay indexed), then swap it in',
  )
  .option('--json', 'print the summary as JSON')
  .action(lazy(() => import('./reindex.js').then((module) => module.reindexCommand)));

program
  .command('mcp')
  .description('Run the itbot MCP server (tickets and knowledge tools) over stdio')
  .option('--read-only', 'expose only the tools that read (search, get, list)')
  .action(lazy(() => import('./mcp.js').then((module) => module.mcpCommand)));

program
  .command('serve')
  .description('Serve the ticket and knowledge tools over MCP Streamable HTTP (/mcp), with /healthz, /readyz, /metrics')
  .option('--listen <host:port>', 'where to listen', process.env.ITBOT_LISTEN ?? '127.0.0.1:8080')
  .option('--token-file <file>', 'accepted tokens, one per line: TOKEN [read-only|read-write|admin] [user=NAME]')
  .option('--allow-no-auth', 'listen beyond loopback without tokens (only behind a proxy that authenticates)')
  .option('--public-metrics', '/metrics without a token (when tokens are set)')
  .option('--allowed-hosts <list>', 'Host names clients may use (default: loopback names on loopback, any otherwise)')
  .option('--allowed-origins <list>', 'browser Origins allowed (default: none)')
  .option(
    '--max-body <bytes>',
    'largest request body (default: 1 MiB, or room for the largest attachment ITBOT_ATTACHMENT_MAX_BYTES allows)',
    positiveInt,
  )
  .option('--rate <n>', 'requests per minute per token (shared through Redis with REDIS_URL)', positiveInt, 1_200)
  .option('--max-calls <n>', 'tool calls running at once; more are refused with 503', positiveInt, 32)
  .option('--idle-timeout <seconds>', 'exit after this long without a request', positiveInt)
  .option('--shutdown-grace <seconds>', 'how long running calls get to finish on SIGTERM', positiveInt, 10)
  .addOption(new Option('--local', "the data dir's background server (started by itbot itself)").hideHelp())
  .addHelpText(
    'after',
    `
Tokens come from ITBOT_SERVER_TOKENS (comma-separated; TOKEN or TOKEN:read-only) and --token-file
(or ITBOT_SERVER_TOKEN_FILE). Without tokens the server only listens on loopback.

Examples:
  itbot serve                                   # this machine only, no token
  ITBOT_SERVER_TOKENS=$(openssl rand -hex 32) itbot serve --listen 0.0.0.0:8080
  ITBOT_SERVER_URL=http://itbot.internal:8080 ITBOT_SERVER_TOKEN=… itbot ask "vpn down"`,
  )
  .action(lazy(() => import('./serve.js').then((module) => module.serveCommand)));

program
  .command('backup')
  .description('Back up the store (embedded: PGlite dump; DATABASE_URL: pg_dump) to one file, with a manifest')
  .option('-o, --output <file>', 'where to write it (default: itbot-backup-<time>.itbot here)')
  .action(lazy(() => import('./backup.js').then((module) => module.backupCommand)));

program
  .command('restore')
  .description('Replace the store with a backup, then check it against the backup’s manifest')
  .argument('<file>', 'a file made by `itbot backup`')
  .option('-y, --yes', 'replace existing data without asking')
  .action(lazy(() => import('./backup.js').then((module) => module.restoreCommand)));

const server = program.command('server').description("This data dir's background server (started on demand)");
server
  .command('status')
  .description('Whether it runs, where, since when, and its version')
  .option('--json', 'print JSON')
  .action(lazy(() => import('./server.js').then((module) => module.serverStatusCommand)));
server
  .command('stop')
  .description('Stop it once its running calls finish (the next command starts a new one)')
  .action(lazy(() => import('./server.js').then((module) => module.serverStopCommand)));

program
  .command('doctor')
  .description('Check configuration, store, knowledge index and the MCP server, and say what to fix')
  .option('--json', 'print the checks as JSON')
  .action(lazy(() => import('./doctor.js').then((module) => module.doctorCommand)));

program
  .command('kb')
  .description('The knowledge base')
  .command('search')
  .description('Search the knowledge base: ranked articles with their best section')
  .argument('<query...>', 'the question or words to look for')
  .option('--limit <n>', 'how many articles', positiveInt, 5)
  .option('--json', 'print JSON (what the MCP search_knowledge tool returns)')
  .action(lazy(() => import('./kb.js').then((module) => module.kbSearchCommand)));

program
  .command('seed')
  .description('Load the sample company (users, groups, categories); with --tickets, its historical tickets too')
  .option('--tickets', 'also load 360 historical tickets (for demos and measuring triage)')
  .option('--json', 'print the counts as JSON')
  .action(lazy(() => import('./seed.js').then((module) => module.seedCommand)));

const tickets = program
  .command('tickets')
  .description('Work tickets: list, show, create, update, assign, reply, resolve, …');

tickets
  .command('list')
  .description('Tickets, newest first (active ones unless --status or --all)')
  .option('--status <list>', 'comma-separated statuses, e.g. open,pending')
  .option('--priority <list>', 'comma-separated priorities, e.g. P1,P2')
  .option('--assignee <username>', 'a username, or "unassigned"')
  .option('--group <name>', 'a group name')
  .option('--requester <name>', 'whose tickets')
  .option('--category <path>', 'a category path; subcategories included')
  .option('--tag <list>', 'tickets carrying all these tags')
  .option('--text <words>', 'words in title, tags or description')
  .option('--all', 'every status, not just active ones')
  .option('--sla <state>', 'at-risk (resolution due within ITBOT_SLA_AT_RISK, default 4h) or breached')
  .option('--limit <n>', 'tickets per page (max 100)', positiveInt, 20)
  .option('--cursor <cursor>', 'the next page, from a previous list')
  .option('--json', 'print JSON')
  .action(lazy(() => import('./tickets.js').then((module) => module.listTicketsCommand)));

tickets
  .command('show')
  .description('One ticket with its timeline and links')
  .argument('<ticket>', 'the ticket number, e.g. IT-000123 or 123')
  .option('--json', 'print JSON')
  .action(lazy(() => import('./tickets.js').then((module) => module.showTicketCommand)));

tickets
  .command('create')
  .description('Open a ticket')
  .requiredOption('--title <text>', 'a short summary')
  .option('--description <text>', 'details')
  .option('--impact <1-3>', '1 many people … 3 one person')
  .option('--urgency <1-3>', '1 work stopped … 3 can wait')
  .option('--priority <P1-P4>', 'override the impact × urgency priority')
  .option('--category <path>', 'e.g. Network/VPN')
  .option('--requester <username>', 'who it is for (default: you)')
  .option('--assignee <username>', 'an agent')
  .option('--group <name>', "a group (default: the category's)")
  .option('--tag <list>', 'comma-separated tags')
  .option(
    '--idempotency-key <key>',
    'a retry with the same key returns the first ticket (default: derived from who asks, what and the day)',
  )
  .option('--json', 'print JSON')
  .action(lazy(() => import('./tickets.js').then((module) => module.createTicketCommand)));

tickets
  .command('update')
  .description('Change fields of a ticket (refused, with what changed, if someone changed it meanwhile: exit 9)')
  .argument('<ticket>', 'the ticket number')
  .option('--expected-version <n>', 'only if it is still at this version (default: the one just read)', positiveInt)
  .option('--title <text>', 'new title')
  .option('--description <text>', 'new description')
  .option('--impact <1-3>', 'new impact')
  .option('--urgency <1-3>', 'new urgency')
  .option('--priority <P1-P4|auto>', 'override the priority, or "auto" to go back to impact × urgency')
  .option('--category <path>', 'new category')
  .option('--add-tag <list>', 'tags to add')
  .option('--remove-tag <list>', 'tags to remove')
  .option('--json', 'print JSON')
  .action(lazy(() => import('./tickets.js').then((module) => module.updateTicketCommand)));

tickets
  .command('similar')
  .description('Likely duplicates and past resolutions of a ticket, and a suggested category and priority')
  .argument('<ticket>', 'the ticket number')
  .option('--limit <n>', 'at most this many of each', positiveInt, 5)
  .option('--json', 'print JSON')
  .action(lazy(() => import('./tickets.js').then((module) => module.similarTicketsCommand)));

tickets
  .command('close')
  .description('Close a ticket, resolving it first if needed')
  .argument('<ticket>', 'the ticket number')
  .option('--code <code>', 'resolution code when it is not resolved yet: fixed, workaround, user_error, …')
  .option('--notes <text>', 'what fixed it')
  .option('--json', 'print JSON')
  .action(lazy(() => import('./tickets.js').then((module) => module.closeTicketCommand)));

// The rest of the ticket tools, one command each (src/cli/tickets-work.ts), and the directory.
const work = (
  name:
    | 'assignTicketCommand'
    | 'replyTicketCommand'
    | 'noteTicketCommand'
    | 'holdTicketCommand'
    | 'reopenTicketCommand'
    | 'resolveTicketCommand'
    | 'cancelTicketCommand'
    | 'linkTicketsCommand'
    | 'mergeTicketsCommand',
) => lazy(() => import('./tickets-work.js').then((module) => module[name]));
const ticketCommand = (usage: string, description: string) =>
  tickets.command(usage).description(description).option('--json', 'print JSON');
ticketCommand('assign <ticket>', 'Give a ticket to an agent and/or a group')
  .option('--to <username>', 'an agent (see `itbot users --role agent`)')
  .option('--me', 'yourself (ITBOT_USER)')
  .option('--group <name>', 'a group (see `itbot groups`); with --to, the agent must be in it')
  .action(work('assignTicketCommand'));
ticketCommand('reply <ticket> <text>', 'Reply to the requester (public; on a closed ticket, opens a follow-up)').action(
  work('replyTicketCommand'),
);
ticketCommand('note <ticket> <text>', 'Add an internal note (only the helpdesk sees it)').action(
  work('noteTicketCommand'),
);
ticketCommand('hold <ticket> [reason]', 'Put a ticket on hold (pending); the SLA clock stops').action(
  work('holdTicketCommand'),
);
ticketCommand('reopen <ticket> [reason]', 'Open a ticket again (a resolved one within 7 days)').action(
  work('reopenTicketCommand'),
);
ticketCommand('resolve <ticket> [notes]', 'Resolve a ticket with a resolution code and what fixed it')
  .requiredOption('--code <code>', 'fixed, workaround, user_error, duplicate, no_fault_found, wont_fix or known_error')
  .action(work('resolveTicketCommand'));
ticketCommand('cancel <ticket> [reason]', 'Cancel a ticket (final)').action(work('cancelTicketCommand'));
ticketCommand('link <ticket>', 'Record how a ticket relates to another')
  .requiredOption('--to <ticket>', 'the other ticket')
  .option('--kind <kind>', 'relates_to, duplicate_of, parent_of, caused_by or follow_up_of', 'relates_to')
  .action(work('linkTicketsCommand'));
ticketCommand('merge <ticket>', 'Merge a duplicate into the ticket that carries on (the duplicate becomes final)')
  .requiredOption('--into <ticket>', 'the ticket that survives')
  .action(work('mergeTicketsCommand'));

ticketCommand('reply-macro <ticket> <macro>', 'Reply to the requester with a canned reply (see `itbot macros`)')
  .option('--article <path>', 'the article {article.link} points to, e.g. kb/network/vpn-error-809.md')
  .action(lazy(() => import('./macros.js').then((module) => module.replyWithMacroCommand)));

ticketCommand('attach <ticket> <path>', 'Attach a file (a log, a screenshot); text logs are run through log analysis')
  .option('--type <content-type>', 'e.g. text/plain or image/png (default: guessed from the file name)')
  .action(lazy(() => import('./tickets-attach.js').then((module) => module.attachFileCommand)));
ticketCommand('attachment <ticket> <id>', 'Save an attachment of a ticket to a file (ids: `itbot tickets show N`)')
  .option('--output <file>', 'where to save it; - for stdout')
  .option('--force', 'overwrite --output if it exists')
  .action(lazy(() => import('./tickets-attach.js').then((module) => module.saveAttachmentCommand)));

const macros = program
  .command('macros')
  .description('Canned replies with placeholders ({requester.first_name}, {ticket.number}, {article.link}, …)');
const macro = (name: 'listMacrosCommand' | 'showMacroCommand' | 'addMacroCommand' | 'removeMacroCommand') =>
  lazy(() => import('./macros.js').then((module) => module[name]));
macros.command('list').description('Every macro').option('--json', 'print JSON').action(macro('listMacrosCommand'));
macros
  .command('show')
  .description('One macro in full')
  .argument('<name>', 'the macro')
  .option('--json', 'print JSON')
  .action(macro('showMacroCommand'));
macros
  .command('add')
  .description('Save a macro; unknown placeholders are refused')
  .argument('<name>', 'lower-case, e.g. vpn-reset-steps')
  .argument('<text>', 'the reply, e.g. "Hi {requester.first_name}, about {ticket.number}: …"')
  .option('--replace', 'overwrite a macro of that name')
  .option('--json', 'print JSON')
  .action(macro('addMacroCommand'));
macros
  .command('remove')
  .description('Delete a macro')
  .argument('<name>', 'the macro')
  .option('--json', 'print JSON')
  .action(macro('removeMacroCommand'));

const directory = (name: 'usersCommand' | 'groupsCommand' | 'categoriesCommand') =>
  lazy(() => import('./directory.js').then((module) => module[name]));
program
  .command('users')
  .description('People: agents (who can take tickets) and requesters')
  .option('--role <role>', 'agent or requester')
  .option('--group <name>', 'members of this group')
  .option('--json', 'print JSON')
  .action(directory('usersCommand'));
program
  .command('groups')
  .description('Helpdesk groups and their agents')
  .option('--json', 'print JSON')
  .action(directory('groupsCommand'));
program
  .command('categories')
  .description('Ticket categories and the group each routes to')
  .option('--json', 'print JSON')
  .action(directory('categoriesCommand'));

program
  .command('completion')
  .description('Print a shell completion script (commands, options, ticket numbers, users, groups)')
  .argument('<shell>', 'bash, zsh or fish')
  .addHelpText(
    'after',
    `
Examples:
  source <(itbot completion bash)                                   # this bash session
  itbot completion bash > ~/.local/share/bash-completion/completions/itbot
  itbot completion zsh > "\${fpath[1]}/_itbot"
  itbot completion fish > ~/.config/fish/completions/itbot.fish`,
  )
  .action(lazy(() => import('./completion.js').then((module) => module.completionCommand)));

// What the completion scripts call on Tab: quick, bounded (ITBOT_COMPLETE_TIMEOUT_MS), never prompts.
program
  .command('__complete', { hidden: true })
  .argument('<kind>', 'line, tickets, users, agents, groups or categories')
  .argument('[words...]', 'line: the words after `itbot`, the last being completed; else a prefix')
  .allowUnknownOption()
  .action(lazy(() => import('./completion.js').then((module) => module.completeCommand)));

program
  .command('eval')
  .description('Measure answer quality')
  .argument(
    '<what>',
    'retrieval (recall and MRR of knowledge search), answers (answer or "no good match"), triage (category and priority suggestions), routing (auto-routing of new tickets, ITBOT_ROUTING_THRESHOLD) or understanding (offline reading of ticket work)',
  )
  .option('--queries <file>', 'retrieval: JSON Lines of {"id","query","relevant":[paths]}')
  .option('--answerable <file>', 'answers: JSON Lines of {"id","query","relevant":[paths]} the knowledge base answers')
  .option('--unanswerable <file>', 'answers: JSON Lines of {"id","query"} it does not')
  .option('--source <dir>', 'only search documents indexed from this directory')
  .option('--set <file>', 'understanding: JSON Lines of {"id","speaker","utterance","tool","args"}')
  .option('--verbose', 'understanding: list every sentence, not only the misread ones')
  .option('--json', 'print the report as JSON')
  .action(lazy(() => import('./eval.js').then((module) => module.evalCommand)));

program
  .command('bench')
  .description('Measure itbot on this machine')
  .argument(
    '<what>',
    'ask (fresh `itbot ask` processes), tickets (create/update/search through MCP), search (reindex and knowledge search), tui (chat start-up and memory), load (load against a running itbot)',
  )
  .option('--runs <n>', 'ask, tui: number of runs', positiveInt, 10)
  .option('--tickets <n>', 'tickets: how many to load first', positiveInt, 10_000)
  .option('--ops <n>', 'tickets, search: calls of each kind to time', positiveInt, 200)
  .option('--chunks <n>', 'search: how many chunks to index', positiveInt, 10_000)
  .option('--database-url <url>', 'tickets: an empty scratch PostgreSQL database (default: a temporary embedded store)')
  .option('--wire', 'search: over the PostgreSQL wire protocol (pg to a PGlite socket server; needs dev dependencies)')
  .option('--no-hnsw', 'search: drop the HNSW index first (exact vector search)')
  .option(
    '--compare-exact',
    'search: then drop the HNSW index, time the same searches exactly, and report HNSW recall against exact',
  )
  .option(
    '--target <url|embedded>',
    'load: an `itbot serve` URL (e.g. the balancer), or embedded (this data dir)',
    'embedded',
  )
  .option('--scenario <name>', 'load: search, tickets, mixed or agent', 'mixed')
  .option(
    '--concurrency <n>',
    'load: workers (closed loop), or most calls in flight (--rate); default 8 × cores',
    positiveInt,
  )
  .option('--duration <time>', 'load: how long, e.g. 60s or 2m', '60s')
  .option('--rate <n>', 'load: open model, this many calls a second whatever the latency', positiveInt)
  .option('--assert <thresholds>', 'load: exit 10 unless met, e.g. "search.p95<500ms,errors<1%"')
  .option('--token <token>', 'load: bearer token for --target (default ITBOT_SERVER_TOKEN)')
  .option('--call-timeout <time>', 'load: a call unanswered this long counts as failed', '30s')
  .option(
    '--agent <kind>',
    'load, agent scenario: offline, fake-gemini (the real SDK against a local fake model) or gemini',
    'offline',
  )
  .option('--model-latency <time>', 'load, fake-gemini: how long each model call takes', '800ms')
  .option('--model-429 <percent>', 'load, fake-gemini: share of model calls answered 429 (retried after 1 s)', '0%')
  .option('--json', 'print the measurements as JSON')
  .action(lazy(() => import('./bench.js').then((module) => module.benchCommand)));

if (process.argv.length <= 2) {
  // No command: the chat (its module loads Ink and React; no other command does).
  await lazy(() => import('./chat.js').then((module) => module.chatCommand))();
} else {
  await program.parseAsync(process.argv);
}
