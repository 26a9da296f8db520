/** Copies text: the async clipboard API where allowed, else a hidden textarea and execCommand. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Permission denied (Electron's locked-down session) or no focus: fall back.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  // CSSOM, not a style attribute: allowed by the CSP.
  area.style.position = 'fixed';
  area.style.left = '-10000px';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('Could not copy to the clipboard.');
}
