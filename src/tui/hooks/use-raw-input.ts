import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import { type InputAction, KeyDecoder } from '../key-decoder.js';

/**
 * Raw key events from Ink's stdin, decoded by our KeyDecoder (bracketed paste aware). Ink's
 * useInput would hand over a paste's Enter as a key press and submit half a stack trace.
 */
export function useRawInput(handler: (action: InputAction) => void): void {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isRawModeSupported, setRawMode]);
  useEffect(() => {
    const decoder = new KeyDecoder();
    const onInput = (event: string) => {
      for (const action of decoder.decode(event)) handlerRef.current(action);
    };
    events?.on('input', onInput);
    return () => {
      events?.removeListener('input', onInput);
    };
  }, [events]);
}
