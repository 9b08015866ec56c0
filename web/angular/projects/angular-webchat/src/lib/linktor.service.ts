// The spec's JavaScript API for the widget of this page, injectable. Commands wait until the
// widget is ready; on the server they do nothing.

import { Injectable } from '@angular/core';
import type { LinktorUser } from './shared/options';
import { command } from './shared/wrapper';

@Injectable({ providedIn: 'root' })
export class LinktorService {
  open() {
    command('open');
  }
  close() {
    command('close');
  }
  toggle() {
    command('toggle');
  }
  /** Sends a message as the visitor: `sendMessage({ text: 'Hello' })` or `sendMessage('Hello')`. */
  sendMessage(message: { text: string } | string) {
    command('sendMessage', typeof message === 'string' ? { text: message } : message);
  }
  updateUser(user: LinktorUser) {
    command('updateUser', user);
  }
  showProactiveMessage(message: { text: string; delay?: number }) {
    command('showProactiveMessage', message);
  }
  hideLauncher() {
    command('hideLauncher');
  }
  showLauncher() {
    command('showLauncher');
  }
  /** Forgets the session in this browser and starts a new visitor. */
  reset() {
    command('reset');
  }
}
