/**
 * Plain-text tables that fit the terminal: the last column gives way first. Into a pipe or a file
 * nothing is cut (there is no width to fit, and `grep` should find the whole title).
 */
export function formatTable(headers: string[], rows: string[][], width = outputWidth()): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const last = widths.length - 1;
  widths[last] = Math.max(10, Math.min(widths[last] ?? 10, width - fixed));
  const cell = (text: string, i: number) => {
    const w = widths[i] ?? 0;
    return text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w);
  };
  const line = (row: string[]) => row.map(cell).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function outputWidth(): number {
  return process.stdout.isTTY ? process.stdout.columns || 100 : Number.POSITIVE_INFINITY;
}
