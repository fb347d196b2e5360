// The read side of message HTML: rows written before sanitising existed are sanitised now,
// and cid: images point at the attachment route. Pure.
import type { AttachmentView } from '../../store/ticket-query.js';
import type { HtmlOptions } from '../mail-options.js';
import { resolveCidImages, sanitiseHtml } from './sanitise-html.js';

export function htmlPresenter(options: HtmlOptions) {
  return (html: string, alreadySafe: boolean, attachments: readonly AttachmentView[]): string => {
    const safe = alreadySafe ? html : sanitiseHtml(html, options);
    if (!safe.includes('cid:')) return safe;
    const byCid = new Map(attachments.filter((a) => a.contentId && a.url).map((a) => [a.contentId as string, a.url as string]));
    return resolveCidImages(safe, (cid) => byCid.get(cid) ?? null);
  };
}
