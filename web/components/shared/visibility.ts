// Lazy figures: one IntersectionObserver per page (per copy of this module)
// tells each element when it comes near the viewport and when it leaves. An
// element off-screen loads nothing, computes nothing and does not animate.

type Listener = (visible: boolean) => void;

/** How far outside the viewport a figure counts as visible: it is ready by the time it scrolls in. */
const MARGIN = '200px 0px';

let observer: IntersectionObserver | null = null;
const listeners = new WeakMap<Element, Listener>();

function getObserver(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) listeners.get(e.target)?.(e.isIntersecting);
    },
    { rootMargin: MARGIN },
  );
  return observer;
}

/**
 * Calls `listener(true)` when the element comes within reach of the viewport and
 * `listener(false)` when it leaves (the first call comes soon after observing).
 * Returns the function that stops observing.
 */
export function observeVisibility(el: Element, listener: Listener): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    listener(true);
    return () => {};
  }
  listeners.set(el, listener);
  getObserver().observe(el);
  return () => {
    listeners.delete(el);
    observer?.unobserve(el);
  };
}

/** The `loading` attribute of the elements: "lazy" (default) waits until visible; "eager" starts at once. */
export type Loading = 'lazy' | 'eager';
