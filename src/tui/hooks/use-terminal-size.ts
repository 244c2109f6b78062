import { useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';

/** Columns and rows, updated on resize; `onResized` runs once a burst of resize events settles. */
export function useTerminalSize(onResized?: () => void): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }));
  const onResizedRef = useRef(onResized);
  onResizedRef.current = onResized;
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const onResize = () => {
      setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
      clearTimeout(timer);
      timer = setTimeout(() => onResizedRef.current?.(), 150);
    };
    stdout.on('resize', onResize);
    return () => {
      clearTimeout(timer);
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
