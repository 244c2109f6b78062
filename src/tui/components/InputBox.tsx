import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { cursorPosition, type EditorState } from '../line-editor.js';
import { theme } from './theme.js';

const PROMPT = '› ';

/** Screen rows a line takes when wrapped at `width`. */
function rowsOf(line: string, width: number): number {
  return Math.max(1, Math.ceil((stringWidth(line) + 1) / Math.max(1, width)));
}

/**
 * The lines to show of a long entry: a window around the cursor that fits `maxRows`, so a
 * pasted 30-line log never pushes the live area past the bottom of the terminal.
 */
export function visibleLines(lines: string[], cursorLine: number, width: number, maxRows: number): [number, number] {
  let first = cursorLine;
  let last = cursorLine;
  let rows = rowsOf(lines[cursorLine] ?? '', width);
  let grew = true;
  while (grew) {
    grew = false;
    const below = last + 1 < lines.length ? rowsOf(lines[last + 1] ?? '', width) : Number.POSITIVE_INFINITY;
    if (rows + below <= maxRows) {
      last++;
      rows += below;
      grew = true;
    }
    const above = first > 0 ? rowsOf(lines[first - 1] ?? '', width) : Number.POSITIVE_INFINITY;
    if (rows + above <= maxRows) {
      first--;
      rows += above;
      grew = true;
    }
  }
  return [first, last];
}

export function InputBox({
  editor,
  width,
  maxRows,
  hint,
  showCursor,
  plainCursor,
  placeholder,
}: {
  editor: EditorState;
  width: number;
  maxRows: number;
  hint?: string;
  showCursor: boolean;
  /** Without colour an inverse cursor is invisible: draw it as a character instead. */
  plainCursor: boolean;
  placeholder?: string;
}) {
  const lines = editor.text.split('\n');
  const { line: cursorLine, column } = cursorPosition(editor);
  const textWidth = Math.max(10, width - PROMPT.length);
  const reserve = lines.length > 1 ? 1 : 0; // the "lines above/below" note
  const [first, last] = visibleLines(lines, cursorLine, textWidth, Math.max(1, maxRows - reserve));
  const hidden = lines.length - (last - first + 1);
  return (
    <Box flexDirection="column" width={width}>
      <Box borderStyle="round" borderColor={theme.muted} borderLeft={false} borderRight={false} flexDirection="column">
        {editor.text === '' && placeholder ? (
          <Text>
            <Text color={theme.accent}>{PROMPT}</Text>
            {showCursor ? <Cursor char=" " plain={plainCursor} /> : null}
            <Text color={theme.muted}>{placeholder}</Text>
          </Text>
        ) : (
          lines.slice(first, last + 1).map((line, offset) => {
            const index = first + offset;
            const prefix = index === 0 ? PROMPT : '  ';
            if (index !== cursorLine || !showCursor) {
              return (
                <Box key={index} flexDirection="row">
                  <Text color={theme.accent}>{prefix}</Text>
                  <Box width={textWidth}>
                    <Text>{line || ' '}</Text>
                  </Box>
                </Box>
              );
            }
            const chars = Array.from(line.slice(column));
            return (
              <Box key={index} flexDirection="row">
                <Text color={theme.accent}>{prefix}</Text>
                <Box width={textWidth}>
                  <Text>
                    {line.slice(0, column)}
                    <Cursor char={chars[0] ?? ' '} plain={plainCursor} />
                    {chars.slice(1).join('')}
                  </Text>
                </Box>
              </Box>
            );
          })
        )}
      </Box>
      {hidden > 0 ? (
        <Text color={theme.muted}>
          {lines.length} lines ({first > 0 ? `${first} above` : ''}
          {first > 0 && last < lines.length - 1 ? ', ' : ''}
          {last < lines.length - 1 ? `${lines.length - 1 - last} below` : ''}) · Enter sends it all
        </Text>
      ) : null}
      {hint ? <Text color={theme.muted}>{hint}</Text> : null}
    </Box>
  );
}

function Cursor({ char, plain }: { char: string; plain: boolean }) {
  if (plain) return <Text>{char === ' ' ? '▏' : char}</Text>;
  return <Text inverse>{char}</Text>;
}
