/**
 * Next animation frame, or a timer if no frame comes: a hidden page gets no
 * frames at all, and a run must go on while the user watches the pop-out chart
 * (browsers throttle that timer, so a hidden run slows down but never stalls).
 */
export function nextFrame(callback: () => void): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    callback();
  };
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
  raf?.(once);
  setTimeout(once, raf ? 100 : 16);
}
