/** Measuring the space a grid's panel gives it (see `fitCell` in core/grid-ops for the sizing). */
import type { Box } from '#core/grid-ops';

export type { Box };

/** A Svelte attachment-style helper: calls `onSize` with the element's content box now and on every resize. */
export function observeSize(element: Element, onSize: (box: Box) => void): () => void {
  const observer = new ResizeObserver(([entry]) => {
    if (entry) onSize({ width: entry.contentRect.width, height: entry.contentRect.height });
  });
  observer.observe(element);
  return () => observer.disconnect();
}
