import { Box, Text } from 'ink';
import { marked, type Token, type Tokens } from 'marked';
import type { ReactNode } from 'react';
import { Table } from './Table.js';
import { theme } from './theme.js';

/** Markdown for the terminal: headings, lists, code, quotes, links and tables as Ink elements. */
export function Markdown({ text, width }: { text: string; width: number }) {
  const tokens = marked.lexer(text);
  return <Blocks tokens={tokens} width={width} />;
}

function Blocks({ tokens, width }: { tokens: Token[]; width: number }) {
  const blocks = tokens.filter((token) => token.type !== 'space');
  return (
    <Box flexDirection="column" width={width}>
      {blocks.map((token, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a rendered document never reorders
        <Box key={i} marginBottom={i < blocks.length - 1 && token.type !== 'list_item' ? 1 : 0}>
          <Block token={token} width={width} />
        </Box>
      ))}
    </Box>
  );
}

function Block({ token, width }: { token: Token; width: number }): ReactNode {
  switch (token.type) {
    case 'heading':
      return (
        <Text bold color={theme.accent}>
          {(token as Tokens.Heading).depth <= 2 ? '' : '▸ '}
          <Inline tokens={(token as Tokens.Heading).tokens} />
        </Text>
      );
    case 'paragraph':
      return (
        <Text>
          <Inline tokens={(token as Tokens.Paragraph).tokens} />
        </Text>
      );
    case 'text': {
      const text = token as Tokens.Text;
      return <Text>{text.tokens ? <Inline tokens={text.tokens} /> : text.text}</Text>;
    }
    case 'list':
      return <List list={token as Tokens.List} width={width} />;
    case 'code':
      return (
        <Box paddingLeft={2} width={width}>
          <Text color={theme.code}>{(token as Tokens.Code).text}</Text>
        </Box>
      );
    case 'blockquote':
      return (
        <Box borderStyle="single" borderTop={false} borderBottom={false} borderRight={false} paddingLeft={1}>
          <Blocks tokens={(token as Tokens.Blockquote).tokens} width={Math.max(10, width - 2)} />
        </Box>
      );
    case 'table': {
      const table = token as Tokens.Table;
      return (
        <Table
          columns={table.header.map((cell) => ({ header: cell.text, flexible: true }))}
          rows={table.rows.map((row) => row.map((cell) => cell.text))}
          width={width}
        />
      );
    }
    case 'hr':
      return <Text color={theme.muted}>{'─'.repeat(Math.min(width, 40))}</Text>;
    default:
      return <Text>{'text' in token && typeof token.text === 'string' ? token.text : token.raw}</Text>;
  }
}

function List({ list, width }: { list: Tokens.List; width: number }) {
  const start = typeof list.start === 'number' ? list.start : 1;
  const markers = list.items.map((_, i) => (list.ordered ? `${start + i}.` : '•'));
  const markerWidth = Math.max(...markers.map((m) => m.length)) + 1;
  return (
    <Box flexDirection="column">
      {list.items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: list items never reorder
        <Box key={i} flexDirection="row">
          <Box width={markerWidth} flexShrink={0}>
            <Text color={theme.accent}>{markers[i]}</Text>
          </Box>
          <Box flexDirection="column" width={Math.max(10, width - markerWidth)}>
            {item.tokens
              .filter((token) => token.type !== 'space')
              .map((token, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: static content
                <Block key={j} token={token} width={Math.max(10, width - markerWidth)} />
              ))}
          </Box>
        </Box>
      ))}
    </Box>
  );
}

function Inline({ tokens }: { tokens: Token[] | undefined }): ReactNode {
  if (!tokens) return null;
  return tokens.map((token, i) => {
    const key = i;
    switch (token.type) {
      case 'strong':
        return (
          <Text key={key} bold>
            <Inline tokens={(token as Tokens.Strong).tokens} />
          </Text>
        );
      case 'em':
        return (
          <Text key={key} italic>
            <Inline tokens={(token as Tokens.Em).tokens} />
          </Text>
        );
      case 'del':
        return (
          <Text key={key} strikethrough>
            <Inline tokens={(token as Tokens.Del).tokens} />
          </Text>
        );
      case 'codespan':
        return (
          <Text key={key} color={theme.code}>
            {decodeEntities((token as Tokens.Codespan).text)}
          </Text>
        );
      case 'link': {
        const link = token as Tokens.Link;
        const label = link.text;
        return (
          <Text key={key}>
            <Text color={theme.link} underline>
              <Inline tokens={link.tokens} />
            </Text>
            {label === link.href || link.href.startsWith('mailto:') ? '' : ` (${link.href})`}
          </Text>
        );
      }
      case 'br':
        return <Text key={key}>{'\n'}</Text>;
      case 'text': {
        const text = token as Tokens.Text;
        return text.tokens ? (
          <Inline key={key} tokens={text.tokens} />
        ) : (
          <Text key={key}>{decodeEntities(text.text)}</Text>
        );
      }
      default:
        return <Text key={key}>{decodeEntities('text' in token ? String(token.text) : token.raw)}</Text>;
    }
  });
}

/** marked escapes &, <, > and quotes in text; the terminal wants them back. */
function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
