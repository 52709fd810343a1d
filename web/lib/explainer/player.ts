// The player: which chapter and frame is shown, and the clock that advances
// it while playing. DOM-free apart from timers.

import type { ChapterId } from './timeline.js';

/** How long a frame stays on screen at 1×, per chapter (ms). */
export const FRAME_MS: Record<ChapterId, number> = {
  slide: 1900,
  build: 1700,
  flatten: 1500,
  multiply: 2000,
  transpose: 2600,
  transposed: 2100,
  zeros: 1400,
  overlap: 2800,
  gradient: 2600,
  learn: 1200,
};

/** Share of a frame's time its moving parts take. */
export const MOTION_SHARE = 0.62;

export const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4];

export type Move = 'forward' | 'back' | 'seek' | 'chapter';

export interface PlayerHost {
  /** Frames in chapter n (1-based). */
  frameCount(chapter: number): number;
  chapterCount(): number;
  chapterId(chapter: number): ChapterId;
  /** Shows a position; `move` says how it was reached (only 'forward' and 'chapter' animate). */
  show(chapter: number, frame: number, move: Move): void;
  playingChanged(playing: boolean): void;
}

export class Player {
  chapter = 1;
  frame = 0;
  playing = false;
  speed = 1;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private host: PlayerHost) {}

  get lastFrame(): number {
    return this.host.frameCount(this.chapter) - 1;
  }

  /** How long the current frame stays before the next one, at the current speed. */
  frameDuration(): number {
    const base = FRAME_MS[this.host.chapterId(this.chapter)];
    return (this.frame === 0 ? base * 1.3 : base) / this.speed;
  }

  motionDuration(): number {
    return (FRAME_MS[this.host.chapterId(this.chapter)] * MOTION_SHARE) / this.speed;
  }

  /** Moves without animation or events (a new model, a restored step). */
  set(chapter: number, frame: number): void {
    this.chapter = Math.min(this.host.chapterCount(), Math.max(1, chapter));
    this.frame = Math.min(this.lastFrame, Math.max(0, frame));
  }

  play(): void {
    if (this.playing) return;
    if (this.frame >= this.lastFrame) this.go(this.chapter, 0, 'seek');
    this.playing = true;
    this.host.playingChanged(true);
    this.schedule();
  }

  pause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.playing) return;
    this.playing = false;
    this.host.playingChanged(false);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.speed = speed > 0 && Number.isFinite(speed) ? speed : 1;
    if (this.playing) this.schedule();
  }

  next(): void {
    if (this.frame < this.lastFrame) this.go(this.chapter, this.frame + 1, 'forward');
  }

  prev(): void {
    if (this.frame > 0) this.go(this.chapter, this.frame - 1, 'back');
  }

  first(): void {
    this.go(this.chapter, 0, 'seek');
  }

  last(): void {
    this.go(this.chapter, this.lastFrame, 'seek');
  }

  seek(frame: number): void {
    this.go(this.chapter, frame, 'seek');
  }

  nextChapter(): void {
    if (this.chapter < this.host.chapterCount()) this.go(this.chapter + 1, 0, 'chapter');
  }

  prevChapter(): void {
    if (this.chapter > 1) this.go(this.chapter - 1, 0, 'chapter');
  }

  goChapter(chapter: number): void {
    if (chapter !== this.chapter) this.go(chapter, 0, 'chapter');
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.playing = false;
  }

  private go(chapter: number, frame: number, move: Move): void {
    // Stepping forward keeps playing; any other move pauses.
    if (chapter !== this.chapter || move !== 'forward') this.pause();
    this.set(chapter, frame);
    this.host.show(this.chapter, this.frame, move);
    if (this.playing) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.playing) return;
      if (this.frame >= this.lastFrame) {
        this.pause();
        return;
      }
      this.go(this.chapter, this.frame + 1, 'forward');
      if (this.frame >= this.lastFrame) {
        // Let the last step finish, then stop.
        this.timer = setTimeout(() => this.pause(), this.frameDuration() * 0.6);
      }
    }, this.frameDuration());
  }
}
