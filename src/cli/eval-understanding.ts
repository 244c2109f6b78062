import { evaluateUnderstanding, readLabelledUtterances } from '../agent/offline/understanding/index.js';
import { UsageError } from '../errors.js';

const percent = (correct: number, total: number) =>
  `${correct}/${total} (${total ? ((100 * correct) / total).toFixed(1) : '0.0'} %)`;

/** `itbot eval understanding --set FILE`: the offline provider's reading of labelled sentences. */
export async function evalUnderstanding(options: { set?: string; json?: boolean; verbose?: boolean }): Promise<number> {
  if (!options.set)
    throw new UsageError(
      'eval understanding needs --set FILE.',
      'JSON Lines of {"id","speaker","utterance","tool","args"}.',
    );
  const report = await evaluateUnderstanding(readLabelledUtterances(options.set));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  for (const result of report.results) {
    if (result.valuesRight && !options.verbose) continue;
    const got = 'args' in result.got ? `${result.got.tool} ${JSON.stringify(result.got.args)}` : result.got.tool;
    const mark = result.valuesRight ? 'ok  ' : result.toolRight ? `VAL ${result.wrongKeys.join(',')}` : 'TOOL';
    process.stdout.write(
      `${mark}  ${result.item.id}  ${result.item.utterance.slice(0, 100)}\n      want ${result.item.tool} ${JSON.stringify(result.item.args ?? {})}\n      got  ${got}\n`,
    );
  }
  process.stdout.write(
    `\n${report.total} sentences: right tool and values ${percent(report.correct, report.total)}\n` +
      `  ticket work                ${percent(report.ticketWork.correct, report.ticketWork.total)}\n` +
      `  knowledge vs ticket route  ${percent(report.routing.correct, report.routing.total)}\n`,
  );
  return 0;
}
