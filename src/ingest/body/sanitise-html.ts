// The HTML agents see: sanitize-html with an allowlist, so no script, event handler, form,
// style, javascript:/data: URL or frame survives; remote images become a placeholder unless
// html.allowRemoteImages; cid: images are kept for the read side to point at the attachment
// route. The original stays in the raw message only. Pure.
import sanitizeHtml from 'sanitize-html';
import type { HtmlOptions } from '../mail-options.js';

export const REMOTE_IMAGE_PLACEHOLDER = '[remote image blocked]';

const TAGS = [
  ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'wbr'),
  'img',
  'font',
  'center',
  'span',
  'div',
  'u',
  's',
  'del',
  'ins',
  'sub',
  'sup',
  'hr',
  'br',
];

function baseOptions(o: HtmlOptions): sanitizeHtml.IOptions {
  return {
    allowedTags: TAGS,
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      a: ['href', 'name', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['border', 'cellpadding', 'cellspacing', 'width'],
      font: ['color', 'size'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: o.allowRemoteImages ? ['cid', 'http', 'https'] : ['cid'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'action', 'background'],
    allowProtocolRelative: false,
    allowedStyles: {},
    enforceHtmlBoundary: false,
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'xmp', 'iframe', 'object'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        if (/^cid:/i.test(src) || (o.allowRemoteImages && /^https?:/i.test(src))) return { tagName, attribs };
        const { src: _dropped, ...rest } = attribs;
        return { tagName, attribs: { ...rest, alt: REMOTE_IMAGE_PLACEHOLDER, title: attribs.alt ?? '' } };
      },
    },
  };
}

const cache = new Map<boolean, sanitizeHtml.IOptions>();

export function sanitiseHtml(html: string, o: HtmlOptions): string {
  let options = cache.get(o.allowRemoteImages);
  if (!options) {
    options = baseOptions(o);
    cache.set(o.allowRemoteImages, options);
  }
  return sanitizeHtml(html, options);
}

/**
 * Points sanitised `cid:` images at the attachment route. Runs on sanitiser output, whose
 * attributes are always double-quoted and escaped, so the match cannot be steered by the mail.
 */
export function resolveCidImages(safeHtml: string, urlFor: (contentId: string) => string | null): string {
  return safeHtml.replace(/(<img\b[^>]*?\ssrc=")cid:([^"]*)"/gi, (whole, head: string, cid: string) => {
    const url = urlFor(decodeCid(cid));
    return url === null ? `${head}"` : `${head}${url}"`;
  });
}

function decodeCid(cid: string): string {
  const text = cid.replace(/&amp;/g, '&').replace(/^<|>$/g, '');
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
