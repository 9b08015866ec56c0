// The spec's Angular example: app.module.ts with LinktorChatModule.forRoot({ channelId }) and
// app.component.html with <linktor-chat> (verbatim, but for baseUrl, our server). The rest
// (declarations, bootstrap, the component class) is what the spec leaves to the app, plus a
// harness the test drives. JIT-compiled in the browser (@angular/compiler).
import '@angular/compiler';
import { ChangeDetectorRef, Component, NgModule, inject, provideZonelessChangeDetection } from '@angular/core';
import { BrowserModule, platformBrowser } from '@angular/platform-browser';
import { LinktorChatModule, LinktorService } from '@linktor/angular-webchat';
import template from './app.component.html';

declare const LINKTOR_BASE_URL: string;
type User = { id: string; name: string; email: string };

@Component({ selector: 'app-root', standalone: false, template })
export class AppComponent {
  currentUser: User = { id: 'user_123', name: 'John Doe', email: 'john@example.com' };
  private cdr = inject(ChangeDetectorRef);
  private linktor = inject(LinktorService);

  constructor() {
    (window as any).__app = {
      controls: this.linktor,
      setUser: (u: User) => {
        // Zoneless: state changed from outside Angular is marked for checking, as signals would.
        this.currentUser = { ...u };
        this.cdr.markForCheck();
      },
      unmount: () => moduleRef.then((m) => m.destroy()),
    };
  }

  handleMessage(message: unknown) {
    console.log('New message:', message);
  }
}

@NgModule({
  declarations: [AppComponent],
  imports: [
    BrowserModule,
    LinktorChatModule.forRoot({
      channelId: 'ch_webchat_123',
      baseUrl: LINKTOR_BASE_URL
    })
  ],
  providers: [provideZonelessChangeDetection()],
  bootstrap: [AppComponent]
})
export class AppModule {}

const moduleRef = platformBrowser().bootstrapModule(AppModule);
