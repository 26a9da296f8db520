/** Whether the OS asks for a dark theme, kept current (the app follows the OS; see global.css). */
class ColourTheme {
  dark = $state(false);

  constructor() {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    this.dark = query.matches;
    query.addEventListener('change', (e) => (this.dark = e.matches));
  }
}

export const theme = new ColourTheme();
