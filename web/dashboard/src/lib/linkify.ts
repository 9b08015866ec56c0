// Message text as the visitor sees it: the widget's own rule for links (http(s) only, trailing
// punctuation left out; everything else stays text, never HTML), shared so that both sides show
// a message alike, and file sizes.

export { linkify, safeHref, type Segment } from '../../../widget/src/panel/linkify';

/** "52 KB" */
export function formatSize(bytes: number | undefined): string {
  if (bytes == null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
}
