/**
 * Captures a real Gemini session for replay in CI. With a real key:
 *
 *   GEMINI_API_KEY=… npx tsx test/helpers/record-gemini-session.ts test/fixtures/gemini/NAME.jsonl -- ask "question"
 *
 * runs `itbot <args>` with the SDK pointed at a loopback relay that forwards every request to
 * Google and appends each exchange to the file (request headers, and so the key, are not
 * recorded). Replay it with `startFakeGemini({ replayFrom: file })` and any key.
 */
import { spawn } from 'node:child_process';
import { bundledPaths } from '../../src/paths.js';
import { startFakeGemini } from './fake-gemini-server.js';

const [file, separator, ...itbotArgs] = process.argv.slice(2);
if (!file || separator !== '--' || itbotArgs.length === 0 || !process.env.GEMINI_API_KEY) {
  process.stderr.write(
    'usage: GEMINI_API_KEY=… npx tsx test/helpers/record-gemini-session.ts FILE.jsonl -- ask "question"\n',
  );
  process.exit(2);
}
// GEMINI_UPSTREAM lets the relay itself be tried against a local fake.
const upstream = process.env.GEMINI_UPSTREAM ?? 'https://generativelanguage.googleapis.com';
const relay = await startFakeGemini({ upstream, recordTo: file });
const child = spawn(process.execPath, [bundledPaths.cliEntry(), ...itbotArgs], {
  env: { ...process.env, GOOGLE_GEMINI_BASE_URL: relay.baseUrl },
  stdio: 'inherit',
});
const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
await relay.close();
process.stderr.write(`recorded ${relay.requests.length} exchanges to ${file}\n`);
process.exit(code ?? 1);
