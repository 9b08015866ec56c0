// @linktor/angular-webchat: LinktorChatModule.forRoot({ channelId }), <linktor-chat> (also
// standalone), provideLinktor() and LinktorService.

export { LinktorChatComponent } from './lib/linktor-chat.component';
export { LinktorChatModule, provideLinktor } from './lib/linktor-chat.module';
export { LinktorService } from './lib/linktor.service';
export { LINKTOR_CONFIG, type LinktorConfig } from './lib/config';
export { DEFAULT_WIDGET_URL, type LinktorSource } from './lib/shared/wrapper';
export type { LinktorSettings, LinktorUser, FormFieldOption, ProactiveMessageOption } from './lib/shared/options';
export type { Message, Content } from './lib/protocol/index';
