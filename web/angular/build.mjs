// Builds @linktor/angular-webchat with ng-packagr (Angular's library format: partially compiled
// FESM bundles and typings) into dist/. The wire types and the wrapper core are copied in first
// from web/protocol and web/shared (../scripts/copy-sources.mjs), so the package carries its own.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyProtocol, copyShared, WRAPPER_CORE } from '../scripts/copy-sources.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const lib = `${here}projects/angular-webchat`;
copyProtocol(`${lib}/src/lib/protocol`);
copyShared(WRAPPER_CORE, `${lib}/src/lib/shared`);
execFileSync(process.execPath, [`${here}node_modules/ng-packagr/src/cli/main.js`, '-p', `${lib}/ng-package.json`, '-c', `${lib}/tsconfig.lib.json`], { stdio: 'inherit', cwd: here });
