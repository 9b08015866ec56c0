// The chat panel's CSS, added when the panel loads. Same rule as the loader's: one class of
// specificity per selector so the site's custom CSS wins over it and element rules of a
// hostile page lose. Sizes in px, never rem: the page's `html { font-size }` must not matter.
// Greys are chosen for at least 4.5:1 on white; colours of the site go through the computed
// --linktor-on-primary / --linktor-primary-text variables. The on-demand parts (src/parts/)
// bring their own rules, added after these when they load.

export const panelCss = `
.linktor-slot{display:contents}
.linktor-unread{position:absolute;top:-4px;right:-4px;min-width:22px;padding:0 6px;border-radius:11px;background:#c8102e;color:#fff;font-size:12px;font-weight:700;line-height:22px}
.linktor-widget :where(button,input,textarea){font:inherit;color:inherit}
.linktor-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.linktor-panel{position:relative;display:flex;flex-direction:column;width:370px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 110px);overflow:hidden;border-radius:var(--linktor-border-radius);background:var(--linktor-background);color:var(--linktor-text);box-shadow:0 12px 48px rgba(0,0,0,.22);text-align:start;animation:linktor-in .2s ease-out}
.linktor-compact .linktor-panel{width:320px;height:460px}
.linktor-large .linktor-panel{width:430px;height:680px}
.linktor-header{display:flex;flex:none;align-items:center;gap:12px;padding:12px 10px 12px 16px;background:var(--linktor-primary);color:var(--linktor-on-primary)}
.linktor-logo{flex:none;width:36px;height:36px;border-radius:50%;object-fit:cover;background:#fff}
.linktor-header-text{flex:1;min-width:0}
.linktor-title{margin:0;font-size:16px;font-weight:600;line-height:1.25;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.linktor-status{display:flex;align-items:center;gap:6px;margin:2px 0 0;font-size:13px}
.linktor-dot{width:8px;height:8px;border:2px solid currentColor;border-radius:50%}
.linktor-dot-on{background:currentColor}
.linktor-icon-button{display:flex;flex:none;align-items:center;justify-content:center;width:40px;height:40px;margin:0;padding:9px;border:0;border-radius:50%;background:none;color:inherit;cursor:pointer}
.linktor-icon-button:hover{background:rgba(128,128,128,.2)}
.linktor-icon-button svg{width:22px;height:22px}
.linktor-banner{flex:none;margin:0;padding:8px 16px;background:#fff4d6;color:#4d3800;font-size:13px;text-align:center}
.linktor-consent{display:flex;flex:none;flex-wrap:wrap;align-items:center;gap:8px;padding:10px 16px;background:#f0f2f5;color:#1f1f1f;font-size:13px}
.linktor-consent p{flex:1 1 100%;margin:0}
.linktor-messages{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px 12px 8px}
.linktor-list{display:flex;flex-direction:column;gap:4px;margin:0;padding:0;list-style:none}
.linktor-row{display:flex;flex-direction:column;align-items:flex-start;margin:0;padding:0}
.linktor-row-visitor{align-items:flex-end}
.linktor-message{max-width:82%;margin:0;padding:9px 13px;border-radius:16px 16px 16px 4px;background:#f0f2f5;color:var(--linktor-text);white-space:pre-wrap;overflow-wrap:anywhere}
.linktor-message-visitor{border-radius:16px 16px 4px 16px;background:var(--linktor-primary);color:var(--linktor-on-primary)}
.linktor-message p{margin:0}
.linktor-message p a{color:inherit;text-decoration:underline}
.linktor-rich{padding:0;background:none;border-radius:0;max-width:88%}
.linktor-meta{display:flex;align-items:center;gap:6px;margin:2px 6px 6px;color:#595959;font-size:12px}
.linktor-failed{color:#b00020}
.linktor-link-button{margin:0;padding:0;border:0;background:none;color:#b00020;font-weight:600;text-decoration:underline;cursor:pointer}
.linktor-day{align-self:center;margin:10px 0 6px;color:#595959;font-size:12px}
.linktor-notice-row{align-self:center;max-width:90%;margin:6px 0;padding:6px 10px;border-radius:8px;background:#fff4d6;color:#4d3800;font-size:13px;text-align:center}
.linktor-image{display:block;margin:0;padding:0;border:0;border-radius:12px;overflow:hidden;background:none;cursor:zoom-in}
.linktor-image img{display:block;max-width:220px;max-height:220px;width:auto;height:auto}
.linktor-caption{margin-top:4px}
.linktor-file{display:flex;align-items:center;gap:8px;color:inherit;text-decoration:none}
.linktor-file svg{flex:none;width:22px;height:22px}
.linktor-file span{display:flex;flex-direction:column}
.linktor-file small{font-size:12px}
.linktor-progress{display:block;width:160px;height:4px;margin-top:6px;border-radius:2px;background:rgba(128,128,128,.35);overflow:hidden}
.linktor-progress span{display:block;height:100%;background:currentColor;transition:width .2s}
.linktor-choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.linktor-choice{display:inline-block;margin:0;padding:6px 12px;border:1px solid var(--linktor-primary-text);border-radius:16px;background:#fff;color:var(--linktor-primary-text);font-size:13px;line-height:1.3;text-decoration:none;cursor:pointer}
.linktor-choice:hover{background:#f0f2f5}
.linktor-choice[aria-pressed=true]{border-color:var(--linktor-primary);background:var(--linktor-primary);color:var(--linktor-on-primary)}
.linktor-choice:disabled{border-color:#c4c4c4;color:#595959;cursor:default}
.linktor-card{width:240px;max-width:100%;border:1px solid #dcdcdc;border-radius:12px;overflow:hidden;background:#fff;color:#1f1f1f;white-space:normal}
.linktor-card img{display:block;width:100%;height:140px;object-fit:cover}
.linktor-card-body{padding:10px 12px}
.linktor-card-body strong{display:block;font-size:14px}
.linktor-card-body span{display:block;color:#595959;font-size:13px}
.linktor-card .linktor-choices{margin:0;padding:0 12px 12px}
.linktor-typing{display:flex;gap:4px;width:max-content;margin:4px 0;padding:12px 14px;border-radius:16px;background:#f0f2f5}
.linktor-typing i{width:6px;height:6px;border-radius:50%;background:#595959;animation:linktor-blink 1.2s infinite}
.linktor-typing i:nth-child(2){animation-delay:.2s}
.linktor-typing i:nth-child(3){animation-delay:.4s}
@keyframes linktor-blink{0%,80%,100%{opacity:.3}40%{opacity:1}}
.linktor-alert{display:flex;flex:none;align-items:flex-start;gap:8px;margin:0 12px 8px;padding:8px 4px 8px 10px;border-radius:8px;background:#fdecea;color:#8a1c12;font-size:13px}
.linktor-alert p{flex:1;margin:4px 0}
.linktor-alert .linktor-icon-button{width:28px;height:28px;padding:6px}
.linktor-alert svg{width:16px;height:16px}
.linktor-composer{position:relative;display:flex;flex:none;align-items:flex-end;gap:2px;padding:8px;border-top:1px solid #e3e3e3}
.linktor-input{flex:1;min-width:0;height:42px;max-height:120px;margin:0 4px 0 0;padding:10px 14px;border:1px solid #8c8c8c;border-radius:21px;background:#fff;color:#1f1f1f;font-size:16px;line-height:20px;resize:none;overflow-y:auto}
.linktor-input::placeholder{color:#6b6b6b;opacity:1}
.linktor-composer .linktor-icon-button{color:#454545}
.linktor-composer .linktor-send{background:var(--linktor-primary);color:var(--linktor-on-primary)}
.linktor-composer .linktor-send:hover{background:var(--linktor-primary-dark)}
[dir=rtl] .linktor-send svg{transform:scaleX(-1)}
.linktor-form{display:flex;flex:none;flex-direction:column;gap:10px;max-height:75%;margin:0;padding:12px 16px 16px;overflow-y:auto;border-top:1px solid #e3e3e3}
.linktor-form-title{margin:0}
.linktor-field{display:flex;flex-direction:column;gap:4px}
.linktor-field label{font-size:13px;font-weight:600}
.linktor-field input,.linktor-field textarea{width:100%;margin:0;padding:9px 10px;border:1px solid #8c8c8c;border-radius:8px;background:#fff;color:#1f1f1f;font-size:16px}
.linktor-field textarea{min-height:84px;resize:vertical}
.linktor-field [aria-invalid=true]{border:2px solid #b00020}
.linktor-field-error{margin:0;color:#b00020;font-size:12px}
.linktor-button{margin:0;padding:10px 16px;border:0;border-radius:8px;background:var(--linktor-primary);color:var(--linktor-on-primary);font-weight:600;cursor:pointer}
.linktor-button:hover{background:var(--linktor-primary-dark)}
.linktor-button-quiet{border:1px solid #595959;background:#fff;color:#1f1f1f}
.linktor-button-quiet:hover{background:#e3e3e3}
.linktor-thanks{flex:none;margin:0;padding:16px;border-top:1px solid #e3e3e3;text-align:center}
.linktor-drop{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;padding:24px;border:3px dashed var(--linktor-primary-text);border-radius:inherit;background:rgba(255,255,255,.95);color:#1f1f1f;font-size:16px;font-weight:600;text-align:center;pointer-events:none}
.linktor-viewer{position:absolute;inset:0;z-index:1;display:flex;align-items:center;justify-content:center;padding:48px 12px 12px;background:rgba(0,0,0,.9)}
.linktor-viewer img{max-width:100%;max-height:100%;object-fit:contain}
.linktor-viewer .linktor-icon-button{position:absolute;top:6px;right:6px;color:#fff}
@media (max-width:479px){
.linktor-panel,.linktor-compact .linktor-panel,.linktor-large .linktor-panel{position:fixed;top:var(--linktor-vt,0);left:0;right:0;width:100%;max-width:none;height:var(--linktor-vh,100%);max-height:none;border-radius:0;padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);animation:none}
.linktor-is-open .linktor-launcher,.linktor-is-open .linktor-proactive{display:none}
}
`;
