// The launcher's stylesheet. `:host` resets everything the page could pass down (inherited fonts,
// colours, `* {}` rules with !important), so a hostile page cannot change the widget's look.
// Written compact: it ships inside the loader's 1.5 KB. The panel (iframe) stacks above the
// launcher in one fixed column, and becomes a full-screen sheet on phones. The column takes the
// highest z-index there is (a cookie banner cannot sit above it) and its distance from the
// window's edge from --b (bottom) and --s (side): the site's settings, or the page's own.
export const CSS =
  ':host{all:initial!important}' +
  'div{position:fixed;z-index:2147483647;bottom:var(--b,20px);right:var(--s,20px);display:flex;flex-direction:column;align-items:end;gap:12px;font:600 15px system-ui,sans-serif}' +
  '.L{right:auto;left:var(--s,20px);align-items:start}' +
  'button{all:initial;cursor:pointer;font:inherit;position:relative;background:var(--c,#4f46e5);color:#fff;border-radius:26px;padding:16px 20px;box-shadow:0 4px 16px #0005}' +
  ':focus-visible{outline:3px solid var(--c,#4f46e5);outline-offset:3px}' +
  'button:before{content:"";display:inline-block;width:20px;height:17px;margin:0 6px -3px 0;border-radius:9px 9px 9px 2px;background:#fff}' +
  '.o button:before{content:"\\2715";width:auto;height:auto;background:0}' +
  '.h:not(.o),.o span,b:empty{display:none}.x button{background:#666}' +
  'b{position:absolute;top:-6px;right:-6px;padding:0 6px;border-radius:9px;background:#d22;font-size:12px;line-height:18px}' +
  'iframe{display:none;width:380px;height:min(620px,100vh - 88px - var(--b,20px));border:0;border-radius:16px;box-shadow:0 4px 16px #0005}' +
  '.o iframe{display:block}' +
  '@media(max-width:479px){.o iframe{position:fixed;inset:0;width:100%;height:100%;border-radius:0}.o button{display:none}}';
