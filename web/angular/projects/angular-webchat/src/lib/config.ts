// What LinktorChatModule.forRoot() and provideLinktor() take: defaults for every <linktor-chat>
// (usually the channelId and, when self-hosting, baseUrl); the element's inputs override them.

import { InjectionToken } from '@angular/core';
import type { LinktorSettings } from './shared/options';
import type { LinktorSource } from './shared/wrapper';

export type LinktorConfig = Partial<LinktorSettings> & LinktorSource;

export const LINKTOR_CONFIG = new InjectionToken<LinktorConfig>('LINKTOR_CONFIG');
