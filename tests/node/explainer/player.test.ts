// The player: where it is, how each move is reported, and its clock (fake
// timers stand in for setTimeout).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { FRAME_MS, type Move, MOTION_SHARE, Player, SPEEDS } from '../../../web/lib/explainer/player.js';
import type { ChapterId } from '../../../web/lib/explainer/timeline.js';

const IDS: ChapterId[] = ['slide', 'build', 'flatten', 'multiply', 'transpose', 'transposed', 'zeros', 'overlap'];

/** A player over chapters with the given frame counts, recording what it shows. */
function setup(frames: number[]) {
  const shown: [number, number, Move][] = [];
  const playing: boolean[] = [];
  const player = new Player({
    frameCount: (c) => frames[c - 1],
    chapterCount: () => frames.length,
    chapterId: (c) => IDS[c - 1],
    show: (c, f, move) => shown.push([c, f, move]),
    playingChanged: (p) => playing.push(p),
  });
  return { player, shown, playing };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('moving by hand', () => {
  it('clamps positions, reports each move with its kind, and pauses on any move but a step forward', () => {
    const { player, shown, playing } = setup([5, 3, 4]);
    player.set(9, 9);
    expect([player.chapter, player.frame]).toEqual([3, 3]);
    player.set(-1, -1);
    expect([player.chapter, player.frame]).toEqual([1, 0]);
    player.next();
    player.last();
    player.next(); // at the end: nothing
    player.prev();
    player.first();
    player.prev(); // at the start: nothing
    player.seek(2);
    player.nextChapter();
    player.goChapter(2); // already there: nothing
    player.goChapter(3);
    player.nextChapter(); // last chapter: nothing
    player.prevChapter();
    expect(shown).toEqual([
      [1, 1, 'forward'],
      [1, 4, 'seek'],
      [1, 3, 'back'],
      [1, 0, 'seek'],
      [1, 2, 'seek'],
      [2, 0, 'chapter'],
      [3, 0, 'chapter'],
      [2, 0, 'chapter'],
    ]);
    expect(playing).toEqual([]);
    player.play();
    player.next();
    expect(player.playing).toBe(true);
    player.prev();
    expect(player.playing).toBe(false);
    player.play();
    player.nextChapter();
    expect(player.playing).toBe(false);
  });

  it('stays within its chapters and frames whatever the moves', () => {
    const moves = ['next', 'prev', 'first', 'last', 'nextChapter', 'prevChapter', 'toggle'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.oneof(fc.constantFrom(...moves), fc.integer({ min: -3, max: 9 })), { maxLength: 40 }),
        (frames, script) => {
          const { player } = setup(frames);
          for (const step of script) {
            if (typeof step === 'number') player.seek(step);
            else player[step]();
            expect(player.chapter).toBeGreaterThanOrEqual(1);
            expect(player.chapter).toBeLessThanOrEqual(frames.length);
            expect(player.frame).toBeGreaterThanOrEqual(0);
            expect(player.frame).toBeLessThan(frames[player.chapter - 1]);
          }
          player.dispose();
        },
      ),
    );
  });
});

describe('playing', () => {
  it('holds the first frame 1.3 times as long, steps at the chapter’s pace, and stops after the last frame', () => {
    const { player, shown, playing } = setup([3, 2]);
    const ms = FRAME_MS.slide;
    player.play();
    expect(playing).toEqual([true]);
    vi.advanceTimersByTime(ms * 1.3 - 1);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual([[1, 1, 'forward']]);
    vi.advanceTimersByTime(ms);
    expect(shown).toEqual([
      [1, 1, 'forward'],
      [1, 2, 'forward'],
    ]);
    // The last step finishes (0.6 of a frame), then the player stops in the same chapter.
    vi.advanceTimersByTime(ms * 0.6);
    expect(playing).toEqual([true, false]);
    expect([player.chapter, player.frame]).toEqual([1, 2]);
    vi.advanceTimersByTime(10 * ms);
    expect(shown).toHaveLength(2);
  });

  it('rewinds a finished chapter when played again', () => {
    const { player, shown } = setup([3]);
    player.last();
    player.play();
    expect(shown.at(-1)).toEqual([1, 0, 'seek']);
    expect(player.playing).toBe(true);
  });

  it('scales every duration by the speed, and treats a speed that is not a positive number as 1', () => {
    const { player } = setup([4, 4]);
    for (const speed of SPEEDS) {
      player.setSpeed(speed);
      player.set(1, 1);
      expect(player.frameDuration()).toBeCloseTo(FRAME_MS.slide / speed);
      expect(player.motionDuration()).toBeCloseTo((FRAME_MS.slide * MOTION_SHARE) / speed);
    }
    for (const bad of [0, -2, Number.NaN, Number.POSITIVE_INFINITY]) {
      player.setSpeed(bad);
      expect(player.speed).toBe(1);
    }
    player.set(2, 0);
    expect(player.frameDuration()).toBeCloseTo(FRAME_MS.build * 1.3);
  });

  it('keeps its clock when the speed changes while playing: the next frame comes at the new pace', () => {
    const { player, shown } = setup([5]);
    player.seek(1);
    player.play();
    player.setSpeed(2);
    vi.advanceTimersByTime(FRAME_MS.slide / 2);
    expect(shown.at(-1)).toEqual([1, 2, 'forward']);
  });
});
