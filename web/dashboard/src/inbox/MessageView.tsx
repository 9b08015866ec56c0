// One message's content as the visitor sees it in the widget: text with links (never HTML),
// images, files, a question with buttons (the visitor's answer marked), and cards with their
// image and buttons. Buttons are shown, not pressed: only the visitor answers them.

import { formatSize, linkify, safeHref } from '@linktor/shared/message-text';
import type { Content } from '../lib/types';

export function TextWithLinks({ text }: { text: string }) {
  return (
    <p class="msg-text">
      {linkify(text).map((s) =>
        s.href ? (
          <a href={s.href} target="_blank" rel="noopener noreferrer nofollow">
            {s.text}
          </a>
        ) : (
          s.text
        ),
      )}
    </p>
  );
}

export function MessageContent({ content, answered }: { content: Content; answered?: Set<string> }) {
  switch (content.type) {
    case 'text':
      return <TextWithLinks text={content.text} />;
    case 'image': {
      const url = safeHref(content.image.url);
      return (
        <figure class="msg-image">
          {url ? (
            <a href={url} target="_blank" rel="noopener noreferrer">
              <img src={url} alt={content.image.caption || content.image.name || 'Image'} loading="lazy" />
            </a>
          ) : (
            <span>(image)</span>
          )}
          {content.image.caption && <figcaption>{content.image.caption}</figcaption>}
        </figure>
      );
    }
    case 'file': {
      const url = safeHref(content.file.url);
      const f = content.file;
      return (
        <a class="msg-file" href={url} download={f.name} target="_blank" rel="noopener noreferrer">
          <span aria-hidden="true">📎</span> <span class="msg-file-name">{f.name}</span>
          {f.size != null && <span class="msg-file-size"> · {formatSize(f.size)}</span>}
        </a>
      );
    }
    case 'interactive': {
      const i = content.interactive;
      return (
        <div class="msg-interactive">
          <TextWithLinks text={i.body.text} />
          <ul class="msg-buttons" aria-label="Buttons">
            {i.buttons.map((b) => (
              <li class={`msg-button${answered?.has(b.id) ? ' msg-button-chosen' : ''}`}>
                {b.label}
                {answered?.has(b.id) && <span class="sr-only"> (chosen by the visitor)</span>}
              </li>
            ))}
          </ul>
        </div>
      );
    }
    case 'card': {
      const c = content.card;
      const img = safeHref(c.imageUrl);
      return (
        <div class="msg-card">
          {img && <img src={img} alt="" loading="lazy" />}
          <div class="msg-card-body">
            <p class="msg-card-title">{c.title}</p>
            {c.subtitle && <p class="msg-card-subtitle">{c.subtitle}</p>}
          </div>
          {c.buttons.length > 0 && (
            <ul class="msg-buttons" aria-label="Buttons">
              {c.buttons.map((b) => {
                const href = safeHref(b.url);
                return (
                  <li class={`msg-button${answered?.has(b.id) ? ' msg-button-chosen' : ''}`}>
                    {href ? (
                      <a href={href} target="_blank" rel="noopener noreferrer">
                        {b.label}
                      </a>
                    ) : (
                      b.label
                    )}
                    {answered?.has(b.id) && <span class="sr-only"> (chosen by the visitor)</span>}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      );
    }
  }
  return null;
}
