// Preact inside a part (linktor-<part>.js): build.mjs resolves 'preact', 'preact/hooks' and
// 'preact/jsx-runtime' to this file, whose bindings are the panel's own functions, lent when
// the part hands itself over (panel/parts.tsx). So a part carries no Preact of its own and
// its hooks run in the panel's renderer. A part may only use what the panel lends: an import
// this file lacks fails the build.

import type { ComponentType } from 'preact';
import type { Lent, PartFactory } from '../panel/parts';
import { PANEL_EVENT } from '../shared/host';

export let jsx: Lent[0], useState: Lent[1], useRef: Lent[2], useLayoutEffect: Lent[3];
export { jsx as jsxs };

/** Hands the part to the panel that is loading this script, and takes the panel's Preact in return. */
export function definePart(C: ComponentType<any>, css: string) {
  const factory: PartFactory = (lent) => {
    [jsx, useState, useRef, useLayoutEffect] = lent;
    return { C, css };
  };
  document.currentScript!.dispatchEvent(new CustomEvent(PANEL_EVENT, { detail: factory }));
}
