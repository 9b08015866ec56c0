// linktor-survey.js: the satisfaction survey, shown above the composer after an agent resolved
// the conversation: five named rating buttons, an optional comment, Send (the panel then
// shows the thank-you). Loaded the first time a survey is asked.

import { useState } from 'preact/hooks';
import type { Chat } from '../panel/chat';
import { format } from '../shared/language';
import { definePart } from './borrowed';

function Survey({ chat }: { chat: Chat }) {
  const t = chat.t;
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  return (
    <form
      class="linktor-survey"
      onSubmit={(e) => {
        e.preventDefault();
        if (rating) chat.rate(rating, comment);
      }}
    >
      <p>{t.rateTitle}</p>
      <div>
        {[1, 2, 3, 4, 5].map((n) => (
          <button type="button" class="linktor-star" aria-pressed={n === rating} aria-label={format(t.rateN, { n })} onClick={() => setRating(n)}>
            {n <= rating ? '★' : '☆'}
          </button>
        ))}
      </div>
      <div class="linktor-field">
        <textarea aria-label={t.rateComment} placeholder={t.rateComment} maxLength={1024} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
      <button type="submit" class="linktor-button" disabled={!rating}>{t.sendButton}</button>
    </form>
  );
}

definePart(
  Survey,
  `.linktor-survey{flex:none;padding:8px 12px;border-top:1px solid #e3e3e3;text-align:center}
.linktor-star{border:0;background:none;color:#b26b00;font-size:28px;cursor:pointer}
`,
);
