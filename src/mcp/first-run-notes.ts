/**
 * What a freshly started server did before it was ready (created the embedded store, upgraded
 * it), read from its /readyz so the person who triggered it is told, as a private server would.
 */
export async function announceFirstRun(url: string, say: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as { status?: string; notes?: string[] };
      if (body.status !== 'opening') {
        for (const note of body.notes ?? []) say(note);
        return;
      }
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
