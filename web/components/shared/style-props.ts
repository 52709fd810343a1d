// styleProps: sets inline style properties through the CSSOM, so the figures
// work under a Content-Security-Policy without style-src 'unsafe-inline'.
//
//   html`<div ${styleProps({ '--k': String(k), left: `${x}px` })}></div>`
//
// A `style="…"` attribute written by a template is refused by such a policy
// (style-src-attr), and so is Lit's styleMap on its first render, which writes
// the attribute as a string; style.setProperty() is always allowed. Names are
// CSS names (dash-case, custom properties included); null or undefined removes
// a property set before.

import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

export type StyleProps = Readonly<Record<string, string | number | null | undefined>>;

class StylePropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('styleProps goes on an element: <div ${styleProps({…})}>');
  }

  render(_props: StyleProps): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [props]: [StyleProps]): typeof noChange {
    const { style } = part.element as HTMLElement;
    for (const name of this.previous) {
      if (props[name] == null) {
        style.removeProperty(name);
        this.previous.delete(name);
      }
    }
    for (const [name, value] of Object.entries(props)) {
      if (value == null) continue;
      style.setProperty(name, String(value));
      this.previous.add(name);
    }
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
