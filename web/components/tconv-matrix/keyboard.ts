// The player's keyboard: Space plays or pauses, ←/→ step (on the chapter tabs
// they switch chapters), Home/End go to the first/last frame, PageUp/PageDown
// to the previous/next chapter. Keys meant for a grid, a field or a menu are
// left alone.

import type { Player } from '../../lib/explainer/player.js';

/** What a key did: nothing (the key is not the player's), a move, or a move after which focus follows the tab. */
export type KeyResult = 'ignored' | 'moved' | 'moved-tab';

export function playerKey(e: KeyboardEvent, p: Player): KeyResult {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return 'ignored';
  const path = e.composedPath();
  if (path.some((n) => n instanceof HTMLElement && n.localName === 'tconv-grid')) return 'ignored';
  const t = path[0] as HTMLElement;
  const tag = t.localName;
  if (tag === 'select' || tag === 'textarea' || (tag === 'input' && (t as HTMLInputElement).type !== 'range')) {
    return 'ignored';
  }
  const onTab = t.getAttribute?.('role') === 'tab';
  let result: KeyResult = 'moved';
  switch (e.key) {
    case ' ':
      if (tag === 'button') return 'ignored';
      p.toggle();
      break;
    case 'ArrowRight':
      if (onTab) {
        p.nextChapter();
        result = 'moved-tab';
      } else p.next();
      break;
    case 'ArrowLeft':
      if (onTab) {
        p.prevChapter();
        result = 'moved-tab';
      } else p.prev();
      break;
    // Home / End are the player's (first / last frame) even on the tabs, where arrows switch chapters.
    case 'Home':
      p.first();
      break;
    case 'End':
      p.last();
      break;
    case 'PageUp':
      p.prevChapter();
      if (onTab) result = 'moved-tab';
      break;
    case 'PageDown':
      p.nextChapter();
      if (onTab) result = 'moved-tab';
      break;
    default:
      return 'ignored';
  }
  e.preventDefault();
  return result;
}
