/** Polls until `read()` satisfies `predicate`, or fails with the last value seen. */
export async function waitForFrame(
  read: () => string | undefined,
  predicate: (frame: string) => boolean,
  { timeoutMs = 20_000, what = 'the expected screen' } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let frame = '';
  while (Date.now() < deadline) {
    frame = read() ?? '';
    if (predicate(frame)) return frame;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}. Last screen:\n${frame}`);
}
