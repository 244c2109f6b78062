import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { theme } from './theme.js';

export interface TableColumn {
  header: string;
  /** A column that gives up width first when the table is too wide (titles, descriptions). */
  flexible?: boolean;
  align?: 'left' | 'right';
}

export interface TableProps {
  columns: TableColumn[];
  rows: string[][];
  /** The width to fit into: the terminal's columns. */
  width: number;
}

const GAP = 2;
const MIN_FLEXIBLE = 8;

/** Cuts text to a display width, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  let out = '';
  for (const char of text) {
    if (stringWidth(out + char) > width - 1) break;
    out += char;
  }
  return `${out}…`;
}

/**
 * Column widths that fit `width`: every column at its natural width if it fits; otherwise the
 * flexible columns (or, failing those, the widest) shrink, down to a readable minimum.
 */
export function fitColumns(columns: TableColumn[], rows: string[][], width: number): number[] {
  const natural = columns.map((column, i) =>
    Math.max(stringWidth(column.header), ...rows.map((row) => stringWidth(row[i] ?? ''))),
  );
  const budget = Math.max(width - GAP * (columns.length - 1), columns.length);
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) - budget;
  if (excess <= 0) return widths;
  const shrinkable = columns.some((c) => c.flexible)
    ? columns.map((c) => c.flexible === true)
    : columns.map((_, i) => i === natural.indexOf(Math.max(...natural)));
  // Take width from the widest shrinkable column first, one column at a time.
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (
        shrinkable[i] &&
        (widths[i] ?? 0) > MIN_FLEXIBLE &&
        (widest === -1 || (widths[i] ?? 0) > (widths[widest] ?? 0))
      )
        widest = i;
    }
    if (widest === -1) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    excess--;
  }
  // Still too wide (a very narrow terminal): shrink everything proportionally.
  if (excess > 0) {
    const total = widths.reduce((a, b) => a + b, 0);
    return widths.map((w) => Math.max(1, Math.floor((w * budget) / total)));
  }
  return widths;
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cell = truncate(text, width);
  const fill = ' '.repeat(Math.max(0, width - stringWidth(cell)));
  return align === 'right' ? fill + cell : cell + fill;
}

/** A plain table (header, rule, rows) whose lines never exceed `width`. */
export function Table({ columns, rows, width }: TableProps) {
  const widths = fitColumns(columns, rows, width);
  const line = (cells: string[]) =>
    columns.map((column, i) => pad(cells[i] ?? '', widths[i] ?? 1, column.align)).join(' '.repeat(GAP));
  return (
    <Box flexDirection="column">
      <Text bold>{line(columns.map((c) => c.header))}</Text>
      <Text color={theme.muted}>
        {'─'.repeat(
          Math.min(
            width,
            widths.reduce((a, b) => a + b + GAP, -GAP),
          ),
        )}
      </Text>
      {rows.map((row, i) => (
        // Rows are static snapshots: the index is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: rows never reorder
        <Text key={i} wrap="truncate-end">
          {line(row)}
        </Text>
      ))}
    </Box>
  );
}
