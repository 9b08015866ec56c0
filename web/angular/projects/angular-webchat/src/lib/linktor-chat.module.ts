// The NgModule of the spec's Angular example, and provideLinktor() for standalone apps.

import { NgModule, type ModuleWithProviders, type Provider } from '@angular/core';
import { LINKTOR_CONFIG, type LinktorConfig } from './config';
import { LinktorChatComponent } from './linktor-chat.component';

@NgModule({
  imports: [LinktorChatComponent],
  exports: [LinktorChatComponent],
})
export class LinktorChatModule {
  /** `imports: [LinktorChatModule.forRoot({ channelId: 'ch_…' })]`: defaults for every <linktor-chat>. */
  static forRoot(config: LinktorConfig): ModuleWithProviders<LinktorChatModule> {
    return { ngModule: LinktorChatModule, providers: [{ provide: LINKTOR_CONFIG, useValue: config }] };
  }
}

/** For standalone apps: `bootstrapApplication(App, { providers: [provideLinktor({ channelId })] })`. */
export function provideLinktor(config: LinktorConfig): Provider[] {
  return [{ provide: LINKTOR_CONFIG, useValue: config }];
}
