import { UsageError } from '../errors.js';

/** Questions longer than this are almost certainly a mistake (a file piped by accident). */
const MAX_QUESTION_CHARS = 20_000;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function questionComesFromStdin(words: string[]): boolean {
  return words.length === 0 || (words.length === 1 && words[0] === '-');
}

/** The question from the arguments, or from stdin when there are none (or just "-"). */
export async function readQuestion(words: string[]): Promise<string> {
  const fromStdin = questionComesFromStdin(words);
  if (fromStdin && process.stdin.isTTY) {
    throw new UsageError(
      'No question given.',
      'Usage: itbot ask "how do I reset my password?" (or pipe the question on stdin)',
    );
  }
  const question = (fromStdin ? await readStdin() : words.join(' ')).trim();
  if (!question) throw new UsageError('The question is empty.', 'Usage: itbot ask "how do I reset my password?"');
  if (question.length > MAX_QUESTION_CHARS) {
    throw new UsageError(
      `The question is ${question.length} characters; the limit is ${MAX_QUESTION_CHARS}.`,
      'Trim it to the relevant part.',
    );
  }
  return question;
}
