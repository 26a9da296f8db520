/** The sliding-window animation: which output cell the window is on, and how fast it moves. */
export class Animator {
  /** Number of output cells filled in; the window sits on cell `position` (row-major). */
  position = $state(0);
  playing = $state(false);
  /** false: Y is shown complete and the window follows the hover instead. */
  active = $state(false);
  speed = $state(4);
  private last = 0;
  private frame = 0;

  play(total: number): void {
    if (!this.active || this.position >= total) this.position = 0;
    this.active = true;
    this.playing = true;
    this.last = performance.now();
    const tick = (now: number): void => {
      if (!this.playing) return;
      const steps = Math.floor(((now - this.last) / 1000) * this.speed);
      if (steps > 0) {
        this.last += (steps * 1000) / this.speed;
        this.position = Math.min(total, this.position + steps);
      }
      if (this.position >= total) this.playing = false;
      else this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
  }

  step(total: number): void {
    this.pause();
    if (!this.active) this.position = 0;
    this.active = true;
    this.position = Math.min(total, this.position + 1);
  }

  scrub(position: number): void {
    this.pause();
    this.active = true;
    this.position = position;
  }

  stop(): void {
    this.pause();
    this.active = false;
  }
}
