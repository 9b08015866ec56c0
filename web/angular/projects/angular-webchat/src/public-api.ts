// @linktor/angular-webchat: LinktorChatModule.forRoot({ channelId }), <linktor-chat> (also
// standalone), provideLinktor() and LinktorService.

export { LinktorChatComponent } from './lib/linktor-chat.component';
export { LinktorChatModule, provideLinktor } from './lib/linktor-chat.module';
export { LinktorService } from './lib/linktor.service';
export { LINKTOR_CONFIG, type LinktorConfig } from './lib/config';
export { DEFAULT_WIDGET_URL, type LinktorSettings, type LinktorSource, type LinktorUser, type FormFieldOption, type ProactiveMessageOption } from './lib/widget';
export type { Message, Content } from './lib/protocol/index';
