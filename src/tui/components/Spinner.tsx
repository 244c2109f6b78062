import { Text } from 'ink';
import { useEffect, useState } from 'react';
import { theme } from './theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner and whatever `label` computes now (it is called again on every frame, for timers). */
export function Spinner({ label }: { label: () => string }) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 100);
    return () => clearInterval(timer);
  }, []);
  return (
    <Text wrap="truncate-end">
      <Text color={theme.accent}>{FRAMES[frame]} </Text>
      {label()}
    </Text>
  );
}
