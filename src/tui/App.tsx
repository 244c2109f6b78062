import { Box, Static, useApp, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatSession } from './chat-session.js';
import { CONSENT_OPTIONS, consentChoiceForKey } from './components/ConsentPrompt.js';
import { InputBox } from './components/InputBox.js';
import { LiveArea } from './components/LiveArea.js';
import { StatusLine } from './components/StatusLine.js';
import { TranscriptView } from './components/TranscriptView.js';
import { useRawInput } from './hooks/use-raw-input.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { HistoryCursor, type InputHistory } from './input-history.js';
import type { InputAction } from './key-decoder.js';
import * as edit from './line-editor.js';
import { applyCompletion, completeCommand } from './slash-commands/index.js';

/** A second Ctrl+C within this long quits. */
export const QUIT_WINDOW_MS = 2000;

export interface AppProps {
  session: ChatSession;
  history: InputHistory;
  store: 'embedded' | 'server';
  colors: boolean;
}

export function App({ session, history, store, colors }: AppProps) {
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const { stdout } = useStdout();
  const { exit } = useApp();
  // The ref is the truth (several key actions can arrive in one event); the state re-renders.
  const editorRef = useRef<edit.EditorState>(edit.emptyEditor);
  const [editor, setEditorState] = useState<edit.EditorState>(edit.emptyEditor);
  const setEditor = (next: edit.EditorState | ((current: edit.EditorState) => edit.EditorState)) => {
    editorRef.current = typeof next === 'function' ? next(editorRef.current) : next;
    setEditorState(editorRef.current);
  };
  const [consentSelected, setConsentSelected] = useState(0);
  const [flash, setFlash] = useState<string | undefined>();
  const historyCursor = useRef(new HistoryCursor(history));
  const lastCtrlC = useRef(0);

  // A resize reflows everything: clear the screen and print the transcript again at the new width.
  const reprint = useCallback(() => {
    stdout.write('\x1b[2J\x1b[3J\x1b[H');
    session.reprint();
  }, [stdout, session]);
  const { columns, rows } = useTerminalSize(reprint);
  const width = Math.max(20, columns - 1);

  const quit = () => session.quit();
  // Leaving: one last frame without the prompt (so the terminal keeps a clean transcript), then exit.
  useEffect(() => {
    if (state.leaving) exit();
  }, [state.leaving, exit]);

  const showFlash = (text: string) => {
    setFlash(text);
    setTimeout(() => setFlash((current) => (current === text ? undefined : current)), QUIT_WINDOW_MS);
  };

  const submit = (text: string) => {
    history.add(text);
    historyCursor.current.reset();
    setEditor(edit.emptyEditor);
    void session.submit(text);
  };

  /** Stops the running answer; inputs queued behind it come back to the input box, not run. */
  const cancelTurn = (): boolean => {
    if (!session.cancel()) return false;
    const queued = session.drainQueue();
    if (queued.length && !editorRef.current.text) setEditor(edit.withText(queued.join('\n')));
    return true;
  };

  const onCtrlC = () => {
    const now = Date.now();
    if (now - lastCtrlC.current < QUIT_WINDOW_MS) {
      quit();
      return;
    }
    lastCtrlC.current = now;
    if (cancelTurn()) {
      showFlash('cancelled · Ctrl+C again to quit');
    } else if (editorRef.current.text) {
      setEditor(edit.emptyEditor);
      showFlash('input cleared · Ctrl+C again to quit');
    } else {
      showFlash('press Ctrl+C again to quit');
    }
  };

  const onConsentInput = (action: InputAction): boolean => {
    if (!state.live.consent) return false;
    if (action.type === 'text') {
      const choice = consentChoiceForKey(action.text);
      if (choice) session.answerConsent(choice);
      return true;
    }
    switch (action.key) {
      case 'up':
        setConsentSelected((s) => (s + CONSENT_OPTIONS.length - 1) % CONSENT_OPTIONS.length);
        return true;
      case 'down':
      case 'tab':
        setConsentSelected((s) => (s + 1) % CONSENT_OPTIONS.length);
        return true;
      case 'enter':
        session.answerConsent(CONSENT_OPTIONS[consentSelected]?.choice ?? 'deny');
        setConsentSelected(0);
        return true;
      case 'escape':
        session.answerConsent('deny');
        setConsentSelected(0);
        return true;
      case 'ctrl-c':
        return false;
      default:
        return true;
    }
  };

  useRawInput((action) => {
    if (onConsentInput(action)) return;
    if (action.type === 'text') {
      setEditor((e) => edit.insertText(e, action.text));
      return;
    }
    switch (action.key) {
      case 'ctrl-c':
        onCtrlC();
        return;
      case 'ctrl-d':
        if (editorRef.current.text === '') quit();
        else setEditor(edit.deleteForward);
        return;
      case 'enter': {
        const current = editorRef.current;
        // A backslash at the end of the entry continues it on a new line.
        if (current.text.endsWith('\\') && current.cursor === current.text.length) {
          setEditor((e) => edit.insertText(edit.deleteBackward(e), '\n'));
        } else if (current.text.trim()) {
          submit(current.text);
        }
        return;
      }
      case 'newline':
        setEditor((e) => edit.insertText(e, '\n'));
        return;
      case 'backspace':
        setEditor(edit.deleteBackward);
        return;
      case 'delete':
        setEditor(edit.deleteForward);
        return;
      case 'left':
        setEditor(edit.moveLeft);
        return;
      case 'right':
        setEditor(edit.moveRight);
        return;
      case 'home':
        setEditor(edit.moveLineStart);
        return;
      case 'end':
        setEditor(edit.moveLineEnd);
        return;
      case 'ctrl-u':
        setEditor(edit.deleteToLineStart);
        return;
      case 'ctrl-w':
        setEditor(edit.deleteWordBackward);
        return;
      case 'ctrl-l':
        reprint();
        return;
      case 'escape':
        // Esc stops a running answer too (without arming the quit that a Ctrl+C would).
        if (cancelTurn()) showFlash('cancelled');
        return;
      case 'up':
      case 'down': {
        const direction = action.key === 'up' ? -1 : 1;
        const moved = edit.moveVertically(editorRef.current, direction);
        if (moved) {
          setEditor(moved);
          return;
        }
        const entry = historyCursor.current.step(direction, editorRef.current.text);
        if (entry !== undefined) setEditor(edit.withText(entry));
        return;
      }
      case 'tab': {
        const completed = applyCompletion(editorRef.current.text);
        if (completed) setEditor(edit.withText(completed));
        return;
      }
      default:
        return;
    }
  });

  const completions = completeCommand(editor.text);
  const hint =
    completions.length > 0 && editor.text.length > 0
      ? completions.map((c) => `/${c}`).join('  ')
      : editor.text.includes('\n')
        ? 'Enter sends · Alt+Enter or Ctrl+J adds a line'
        : undefined;
  const inputMaxRows = Math.max(3, Math.floor(rows / 3));
  const inputLines = Math.min(inputMaxRows, editor.text.split('\n').length) + 1;
  const liveMaxRows = Math.max(3, rows - inputLines - 2 /* border */ - (hint ? 1 : 0) - 1 /* status */ - 2);

  return (
    <>
      <Static key={state.reprint} items={state.items}>
        {(item, index) => (
          <TranscriptView key={item.id} item={item} width={width} afterTool={state.items[index - 1]?.kind === 'tool'} />
        )}
      </Static>
      {state.leaving ? null : (
        <Box flexDirection="column" width={width}>
          <LiveArea
            live={state.live}
            queued={state.queued}
            width={width}
            maxRows={liveMaxRows}
            consentSelected={consentSelected}
          />
          <InputBox
            editor={editor}
            width={width}
            maxRows={inputMaxRows}
            hint={hint}
            showCursor={!state.live.consent}
            plainCursor={!colors}
            placeholder={state.live.busy ? undefined : 'Ask an IT question, or /help'}
          />
          <StatusLine
            provider={session.provider.name}
            model={session.provider.model}
            store={store}
            health={state.health}
            sla={state.sla}
            inputTokens={state.stats.inputTokens}
            outputTokens={state.stats.outputTokens}
            width={width}
            flash={flash}
          />
        </Box>
      )}
    </>
  );
}
