// Builds @linktor/angular-webchat with ng-packagr (Angular's library format: partially compiled
// FESM bundles and typings) into dist/. The widget core and the wire types are copied in first
// from the React package and web/protocol, so the package carries its own.

import { copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyProtocol } from '../sdk/copy-protocol.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const lib = `${here}projects/angular-webchat`;
copyProtocol(`${lib}/src/lib/protocol`);
copyFileSync(`${here}../react/src/widget.ts`, `${lib}/src/lib/widget.ts`);
execFileSync(process.execPath, [`${here}node_modules/ng-packagr/src/cli/main.js`, '-p', `${lib}/ng-package.json`, '-c', `${lib}/tsconfig.lib.json`], { stdio: 'inherit', cwd: here });
