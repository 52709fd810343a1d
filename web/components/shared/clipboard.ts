// Copying text for the "Copy …" buttons: the Clipboard API, or, where it is
// refused (no permission, an insecure page), a hidden text field and
// execCommand('copy') inside the element's shadow root.

/** Copies `text`; resolves to whether it worked. `root` holds the fallback's text field for a moment. */
export async function copyText(text: string, root: HTMLElement | DocumentFragment): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    root.appendChild(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}
