// Angular server rendering: <linktor-chat> renders nothing, never touches window, and the
// spec's NgModule form (LinktorChatModule.forRoot) and the standalone form both bootstrap.
// JIT (@angular/compiler) compiles the test's components and links the package's partial
// declarations, as the CLI's linker does at build time.

import '@angular/compiler';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Component, NgModule, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication, BrowserModule } from '@angular/platform-browser';
import { renderApplication, provideServerRendering, ServerModule, renderModule } from '@angular/platform-server';
import { LinktorChatComponent, LinktorChatModule, LinktorService, provideLinktor } from '../dist/fesm2022/linktor-angular-webchat.mjs';

const doc = '<!doctype html><html><head></head><body><app-root></app-root></body></html>';

test('standalone: renders nothing on the server and never touches window', async () => {
  let service;
  const App = Component({
    selector: 'app-root',
    standalone: true,
    imports: [LinktorChatComponent],
    template: `<main>content</main><linktor-chat [primaryColor]="'#0066FF'" [user]="currentUser" (onMessage)="got($event)"></linktor-chat>`,
  })(
    class {
      currentUser = { id: 'u1', name: 'A' };
      got() {}
    },
  );
  const html = await renderApplication(
    (context) => bootstrapApplication(App, { providers: [provideZonelessChangeDetection(), provideServerRendering(), provideLinktor({ channelId: 'ch_1' })] }, context),
    { document: doc, url: '/' },
  );
  assert.match(html, /<main>content<\/main><linktor-chat[^>]*><\/linktor-chat>/);
  assert.equal(typeof window, 'undefined');
  assert.doesNotMatch(html, /linktor\.js/);
  service = new LinktorService();
  service.open(); // nothing to do on the server, and no throw
});

test("NgModule: the spec's LinktorChatModule.forRoot({ channelId }) renders on the server", async () => {
  const AppComponent = Component({
    selector: 'app-root',
    standalone: false,
    template: `<linktor-chat
  [primaryColor]="'#0066FF'"
  [position]="'bottom-right'"
  [user]="currentUser"
  (onMessage)="handleMessage($event)">
</linktor-chat>`,
  })(
    class {
      currentUser = { id: 'user_123', name: 'John Doe', email: 'john@example.com' };
      handleMessage() {}
    },
  );
  const AppModule = NgModule({
    declarations: [AppComponent],
    imports: [BrowserModule, ServerModule, LinktorChatModule.forRoot({ channelId: 'ch_webchat_123' })],
    providers: [provideZonelessChangeDetection()],
    bootstrap: [AppComponent],
  })(class {});
  const html = await renderModule(AppModule, { document: doc, url: '/' });
  assert.match(html, /<linktor-chat[^>]*><\/linktor-chat>/);
  assert.equal(typeof window, 'undefined');
});
