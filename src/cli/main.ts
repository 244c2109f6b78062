import { Command, InvalidArgumentError } from 'commander';
import { ExitCode } from '../errors.js';
import { ITBOT_VERSION } from '../version.js';
import { runCommand } from './run-command.js';

// Each command's module is imported only when that command runs, so `itbot ask` never pays for
// the TUI, and `--help` stays instant.

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
  .option('--json', 'print one JSON object: answer, citations, tool calls, timings, provider')
  .option('-y, --yes', 'allow tools that change data (open a ticket, …); without it they are described, not run')
  .option('--provider <name>', 'model provider: auto, offline or gemini', 'auto')
  .option('--max-steps <n>', 'stop after this many model steps', positiveInt, 8)
  .addHelpText(
    'after',
    `
Exit codes: 0 answered · 2 bad usage · 3 configuration · 4 store · 5 model unavailable ·
            6 step limit reached · 7 a tool call failed · 130 cancelled

Examples:
  itbot ask "outlook keeps asking for my password"
  itbot ask --yes "open a ticket: the 3rd floor printer is jammed"
  echo "status of IT-000042" | itbot ask --json`,
  )
  .action(
    runCommand(async (words: string[], options) => {
      const { askCommand } = await import('./ask.js');
      return askCommand(words, options);
    }),
  );

program
  .command('migrate')
  .description('Apply pending database migrations (sql/*.sql)')
  .option('--status', 'list applied and pending migrations without applying anything')
  .option('--json', 'print the result as JSON')
  .action(
    runCommand(async (options) => {
      const { migrateCommand } = await import('./migrate.js');
      return migrateCommand(options);
    }),
  );

program
  .command('reindex')
  .description('Index a directory of Markdown articles into the knowledge base (incremental)')
  .option('--source <dir>', 'directory of Markdown articles (default: the bundled kb/)')
  .option('--name <name>', 'name of this collection (default: "bundled" for kb/, else the directory path)')
  .option('--rebuild', 'drop the whole index and rebuild it with the current embedder, in one transaction')
  .option('--json', 'print the summary as JSON')
  .action(
    runCommand(async (options) => {
      const { reindexCommand } = await import('./reindex.js');
      return reindexCommand(options);
    }),
  );

program
  .command('mcp')
  .description('Run the itbot MCP server (tickets and knowledge tools) over stdio')
  .option('--read-only', 'expose only the tools that read (search, get, list)')
  .action(
    runCommand(async (options) => {
      const { mcpCommand } = await import('./mcp.js');
      return mcpCommand(options);
    }),
  );

program
  .command('doctor')
  .description('Check configuration, store, knowledge index and the MCP server, and say what to fix')
  .option('--json', 'print the checks as JSON')
  .action(
    runCommand(async (options) => {
      const { doctorCommand } = await import('./doctor.js');
      return doctorCommand(options);
    }),
  );

program
  .command('eval')
  .description('Measure answer quality')
  .argument('<what>', 'what to evaluate: retrieval')
  .requiredOption('--queries <file>', 'JSON Lines of {"id","query","relevant":[paths]}')
  .option('--source <dir>', 'only search documents indexed from this directory')
  .option('--json', 'print the report as JSON')
  .action(
    runCommand(async (what: string, options) => {
      const { evalCommand } = await import('./eval.js');
      return evalCommand(what, options);
    }),
  );

program
  .command('bench')
  .description('Measure itbot on this machine')
  .argument('<what>', 'what to measure: ask (fresh `itbot ask` processes)')
  .option('--runs <n>', 'number of runs', positiveInt, 10)
  .option('--json', 'print the measurements as JSON')
  .action(
    runCommand(async (what: string, options) => {
      const { benchCommand } = await import('./bench.js');
      return benchCommand(what, options);
    }),
  );

if (process.argv.length <= 2) {
  process.stdout.write(program.helpInformation());
  process.stdout.write('\nThe chat window is not built yet; use `itbot ask "…"` meanwhile.\n');
} else {
  await program.parseAsync(process.argv);
}
