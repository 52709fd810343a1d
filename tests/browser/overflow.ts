// What "fits the screen" means for the phone suites (upsampler-phone, explainer-phone): no element, in the page
// or inside any open shadow root, shows any part of itself left or right of the viewport. An element inside
// a box that scrolls or clips (a wide kernel, a heat map in its own scroller) counts only for what that box
// lets show, so a figure may scroll inside itself but never widen the page.

/**
 * Run in the page (page.evaluate(offscreen)): the elements that show outside the viewport horizontally, as
 * "tag.class left..right", at most `limit` of them. Self-contained: it is serialised into the page.
 */
export function offscreen(): string[] {
  const limit = 20;
  const out: string[] = [];
  const drawnInside = (n: Element): Element | null => {
    if (n.assignedSlot) return n.assignedSlot;
    if (n.parentElement) return n.parentElement;
    const root = n.getRootNode();
    return root instanceof ShadowRoot ? root.host : null;
  };
  /** The horizontal extent of `el` that its clipping ancestors let show. */
  const shown = (el: Element): [number, number] => {
    const r = el.getBoundingClientRect();
    let [left, right] = [r.left, r.right];
    for (let p = drawnInside(el); p && p !== document.documentElement; p = drawnInside(p)) {
      const style = getComputedStyle(p);
      if (style.overflowX !== 'visible') {
        const box = p.getBoundingClientRect();
        left = Math.max(left, box.left);
        right = Math.min(right, box.right);
      }
      if (style.position === 'fixed') break;
    }
    return [left, right];
  };
  const walk = (root: Document | ShadowRoot) => {
    for (const el of root.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (style.display !== 'none' && style.visibility !== 'hidden' && !el.closest('.visually-hidden')) {
        const [left, right] = shown(el);
        if (right - left > 0.5 && (left < -0.5 || right > innerWidth + 0.5)) {
          out.push(`${el.tagName.toLowerCase()}.${String(el.className)} ${Math.round(left)}..${Math.round(right)}`);
        }
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return out.slice(0, limit);
}
