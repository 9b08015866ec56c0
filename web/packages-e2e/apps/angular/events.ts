// Every output, and change detection with new state or a new colour (standalone component,
// provideLinktor).
import '@angular/compiler';
import { ChangeDetectorRef, Component, inject, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { LinktorChatComponent, provideLinktor } from '@linktor/angular-webchat';

declare const LINKTOR_BASE_URL: string;
const events: string[] = ((window as any).__events = []);

@Component({
  selector: 'app-root',
  imports: [LinktorChatComponent],
  template: `<linktor-chat [primaryColor]="color" (onReady)="tag('ready')" (onOpen)="tag('open')" (onClose)="tag('close')" />`,
})
class EventsApp {
  n = 1;
  color = '#0066FF';
  private cdr = inject(ChangeDetectorRef);
  constructor() {
    (window as any).__app = {
      rerender: () => (this.n++, this.cdr.markForCheck()),
      recolor: (c: string) => ((this.color = c), this.cdr.markForCheck()),
    };
  }
  tag(e: string) {
    events.push(this.n === 1 ? e : `${e}#${this.n}`);
  }
}

bootstrapApplication(EventsApp, { providers: [provideZonelessChangeDetection(), provideLinktor({ channelId: 'ch_webchat_123', baseUrl: LINKTOR_BASE_URL })] });
