// The side panel's sharing half for <tconv-matrix>: the PyTorch snippet of
// the figure (built once per model), and the three copy buttons — code, a
// link to the figure on screen (its URL parameters with the step) and the
// embed code — with the status line that says what was copied.

import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import { pytorchSnippet } from '../../lib/explainer/snippet.js';
import { paramsText } from '../../lib/explainer/state.js';
import { copyText } from '../shared/clipboard.js';
import { embedCode } from '../shared/embed-code.js';
import type { Theme } from '../shared/tconv-element.js';

export interface SharingHost {
  root(): HTMLElement | DocumentFragment;
  theme(): Theme | undefined;
  /** The figure on screen as URL parameters, with the step. */
  params(): URLSearchParams;
  requestUpdate(): void;
}

export class Sharing {
  /** What the last copy did, for the panel's status line. */
  status = '';
  private _snippet: { model: ExplainerModel; text: string } | null = null;

  constructor(private readonly _host: SharingHost) {}

  snippet(m: ExplainerModel): string {
    if (this._snippet?.model !== m) this._snippet = { model: m, text: pytorchSnippet(m) };
    return this._snippet.text;
  }

  copyCode(m: ExplainerModel): void {
    void this._copy(this.snippet(m), 'The code');
  }

  copyLink(): void {
    const url = new URL(window.location.href);
    url.search = paramsText(this._host.params());
    url.hash = '';
    void this._copy(url.href, 'The link');
  }

  /** The figure on screen as attributes (the URL's names), with the step and the theme. */
  copyEmbed(): void {
    const attrs = [...this._host.params()];
    const theme = this._host.theme();
    if (theme) attrs.push(['theme', theme]);
    void this._copy(embedCode('matrix', attrs), 'The embed code');
  }

  private async _copy(text: string, what: string): Promise<void> {
    const ok = await copyText(text, this._host.root());
    this.status = ok ? `${what} copied to the clipboard.` : `Could not copy. ${what}: ${text}`;
    this._host.requestUpdate();
  }
}
