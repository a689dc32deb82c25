// The forms' stylesheet, adopted by the lazy chunks that need it: a constructed stylesheet is
// allowed by the frame's strict CSP and keeps these rules out of the first open.
import css from './forms.css?inline';

let adopted = false;

export function formStyles(): void {
  if (adopted) return;
  adopted = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
