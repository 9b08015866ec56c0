// The loader's CSS: the root's defensive reset and the launcher and proactive bubble. What
// shows only once the panel is there (the unread badge, the open state) is in panel/styles.ts.
// Every selector has the specificity of one class and the <style> goes first in <head>, so
// the spec's "Custom CSS" (`.linktor-launcher {…}`) written by the site wins, while element
// rules of a hostile page (`button { all: unset }`, `* { box-sizing: content-box }`) lose.
// The reset skips what is inside an <svg>: `all: revert` would drop its `d` attributes.

export const loaderCss = (zIndex: number) => `
.linktor-widget{all:initial;position:fixed;bottom:20px;right:20px;z-index:${zIndex};display:flex;flex-direction:column;align-items:flex-end;gap:12px;font:14px/1.45 system-ui,sans-serif;color:var(--linktor-text);pointer-events:none}
.linktor-left{right:auto;left:20px;align-items:flex-start}
.linktor-widget :where(:not(svg *)),.linktor-widget ::before,.linktor-widget ::after{all:revert;box-sizing:border-box}
.linktor-widget>*{pointer-events:auto}
.linktor-widget :where(svg){display:block;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
.linktor-widget [hidden]{display:none!important}
.linktor-widget :focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.linktor-launcher{position:relative;display:flex;align-items:center;justify-content:center;width:60px;height:60px;padding:0;border:0;border-radius:50%;background:var(--linktor-primary);color:var(--linktor-on-primary);box-shadow:0 4px 12px rgba(0,0,0,.15);cursor:pointer}
.linktor-launcher:hover{background:var(--linktor-primary-dark)}
.linktor-launcher svg{width:28px;height:28px}
.linktor-launcher img{width:100%;height:100%;border-radius:50%;object-fit:cover}
.linktor-proactive{display:flex;align-items:flex-start;max-width:280px;padding:12px 6px 12px 16px;border-radius:var(--linktor-border-radius);background:var(--linktor-background);box-shadow:0 4px 12px rgba(0,0,0,.15);animation:linktor-in .2s}
.linktor-proactive button{padding:0;border:0;background:none;font:inherit;color:inherit;cursor:pointer;text-align:start;white-space:pre-wrap}
.linktor-proactive-close{flex:none;padding:6px!important;margin-top:-6px}
.linktor-proactive-close svg{width:16px;height:16px}
@keyframes linktor-in{from{opacity:0;transform:translateY(8px)}}
@media (prefers-reduced-motion:reduce){.linktor-widget *{animation:none!important;transition:none!important}}
`;

/** The colour variables; a separate rule so a site's `.linktor-widget { --linktor-primary: … }` overrides them. */
export const colorCss = (primary: string, dark: string, onPrimary: string) =>
  `.linktor-widget{--linktor-primary:${primary};--linktor-primary-dark:${dark};--linktor-text:#1f1f1f;--linktor-background:#fff;--linktor-border-radius:12px;--linktor-on-primary:${onPrimary}}`;
