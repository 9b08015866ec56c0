// <linktor-chat>: the Linktor chat widget as an Angular component (standalone, and exported by
// LinktorChatModule). It renders nothing itself: in the browser it loads linktor.js from the
// configured server (the spec's snippet) and drives it with `init`, `updateUser` (when `user`
// changes, even in place), destroy + init (another input changed) and `destroy` (on destroy).
// On the server (Angular SSR) it does nothing.

import { ChangeDetectionStrategy, Component, DoCheck, EventEmitter, Input, NgZone, OnDestroy, Output, PLATFORM_ID, inject } from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import { LINKTOR_CONFIG } from './config';
import type { FormFieldOption, LinktorSettings, LinktorUser, ProactiveMessageOption } from './shared/options';
import { LinktorWidget, SETTINGS } from './shared/wrapper';
import type { Message } from './protocol/index';

@Component({
  selector: 'linktor-chat',
  standalone: true,
  template: '',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LinktorChatComponent implements DoCheck, OnDestroy {
  /** Defaults to the channelId of LinktorChatModule.forRoot() / provideLinktor(). */
  @Input() channelId?: string;
  @Input() primaryColor?: string;
  @Input() position?: 'bottom-right' | 'bottom-left';
  @Input() size?: 'compact' | 'standard' | 'large';
  @Input() zIndex?: number;
  @Input() language?: string;
  @Input() translations?: Record<string, string>;
  @Input() autoOpen?: boolean;
  @Input() openDelay?: number;
  @Input() soundEnabled?: boolean;
  @Input() showLauncher?: boolean;
  @Input() preChatForm?: { enabled?: boolean; fields?: FormFieldOption[] };
  @Input() user?: LinktorUser;
  @Input() userHash?: string;
  @Input() proactiveMessages?: ProactiveMessageOption[];
  @Input() fileUpload?: LinktorSettings['fileUpload'];
  @Input() persistSession?: boolean;
  @Input() sessionDuration?: number;
  @Input() offline?: LinktorSettings['offline'];
  @Input() privacy?: LinktorSettings['privacy'];
  /** Your Linktor server when self-hosting; linktor.js comes from `<baseUrl>/v1/linktor.js`. */
  @Input() baseUrl?: string;
  /** The full URL of linktor.js (overrides baseUrl). */
  @Input() widgetUrl?: string;

  /** A message stored in the conversation: the visitor's, an agent's or one sent through the API. */
  @Output() readonly onMessage = new EventEmitter<Message>();
  @Output() readonly onOpen = new EventEmitter<void>();
  @Output() readonly onClose = new EventEmitter<void>();
  @Output() readonly onReady = new EventEmitter<void>();

  private readonly config = inject(LINKTOR_CONFIG, { optional: true }) ?? {};
  private readonly browser = isPlatformBrowser(inject(PLATFORM_ID));
  private readonly zone = inject(NgZone);
  private widget: LinktorWidget | null = null;

  /** Every change detection: LinktorWidget compares by value, so this is cheap when nothing changed. */
  ngDoCheck() {
    if (!this.browser) return;
    const self = this as unknown as Record<string, unknown>;
    const settings = Object.fromEntries(SETTINGS.map((k) => [k, self[k] !== undefined ? self[k] : (this.config as Record<string, unknown>)[k]])) as unknown as LinktorSettings;
    const emit = <T>(e: EventEmitter<T>) => (v?: T) => this.zone.run(() => e.emit(v as T));
    this.widget ??= new LinktorWidget(() => ({
      onMessage: emit(this.onMessage),
      onOpen: emit(this.onOpen),
      onClose: emit(this.onClose),
      onReady: emit(this.onReady),
    }));
    this.widget.update(settings, { baseUrl: this.baseUrl ?? this.config.baseUrl, widgetUrl: this.widgetUrl ?? this.config.widgetUrl });
  }

  ngOnDestroy() {
    this.widget?.destroy();
    this.widget = null;
  }
}
