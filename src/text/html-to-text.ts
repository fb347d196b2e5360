// Converts mail HTML to readable plain text without a DOM. One forward scan with indexOf and
// bounded lookups keeps it linear, so hostile HTML (100k nested tags, unclosed quotes) stays cheap.

import { decodeHtmlEntities } from './html-entities.js';
import { TextBuilder } from './text-builder.js';

/** Elements whose content is never text a reader sees. */
const SKIP_CONTENT = new Set(['script', 'style', 'title', 'template', 'xml']);
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'table', 'hr', 'dl', 'figure']);
const LINE = new Set([
  'div',
  'tr',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'aside',
  'main',
  'form',
  'fieldset',
  'center',
  'dt',
  'dd',
  'caption',
  'details',
  'summary',
  'legend',
  'figcaption',
  'address',
  'body',
  'html',
]);
const SEPARATE = new Set(['td', 'th', 'img']);
/** Deeper list levels stop indenting further; a hostile 100k-deep list must not cost 100k spaces a line. */
const MAX_INDENT_LEVELS = 8;

interface ListLevel {
  ordered: boolean;
  count: number;
}

interface Scan {
  readonly html: string;
  readonly out: TextBuilder;
  readonly lists: ListLevel[];
  preDepth: number;
  /** No '</head' exists at or after this index; remembered so that repeated <head> stays linear. */
  headUnclosedFrom: number;
}

/**
 * HTML past this is not read: a ticket keeps 1M characters of text and the spam filter reads
 * 200k, and a 5 MB document of entities cost 140 MB to convert whole.
 */
export const HTML_TO_TEXT_MAX_CHARS = 2_000_000;
/** A text run is decoded this much at a time, so a megabyte of entities is never one huge replace. */
const TEXT_SLICE_CHARS = 64 * 1024;

/**
 * The last conversion, kept: one message's HTML is read for its ticket's text, for the spam
 * filter's text when it has no other, and for the filter's HTML words, each from the same string.
 */
let last: { html: string; text: string } | undefined;

export function htmlToText(whole: string): string {
  if (last?.html === whole) return last.text;
  const text = convert(whole);
  last = { html: whole, text };
  return text;
}

function convert(whole: string): string {
  const html = whole.length > HTML_TO_TEXT_MAX_CHARS ? whole.slice(0, HTML_TO_TEXT_MAX_CHARS) : whole;
  const scan: Scan = { html, out: new TextBuilder(), lists: [], preDepth: 0, headUnclosedFrom: Infinity };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const end = lt < 0 ? html.length : lt;
    if (end > i) addText(scan, html.slice(i, end));
    if (lt < 0) break;
    i = readMarkup(scan, lt);
  }
  return scan.out.toString();
}

function addText(scan: Scan, raw: string): void {
  for (let from = 0; from < raw.length;) {
    const to = sliceEnd(raw, from);
    addDecoded(scan, raw.slice(from, to));
    from = to;
  }
}

/** Where a slice of a long text run ends: before an '&' near the limit, so no entity is split. */
function sliceEnd(raw: string, from: number): number {
  const limit = from + TEXT_SLICE_CHARS;
  if (limit >= raw.length) return raw.length;
  const amp = raw.lastIndexOf('&', limit);
  return amp > from + TEXT_SLICE_CHARS / 2 ? amp : limit;
}

function addDecoded(scan: Scan, raw: string): void {
  const text = decodeHtmlEntities(raw);
  if (scan.preDepth > 0) scan.out.addPreformatted(text);
  else scan.out.addText(text);
}

/** Handles the markup starting at `lt` and returns where scanning resumes. */
function readMarkup(scan: Scan, lt: number): number {
  const { html } = scan;
  if (html.startsWith('<!--', lt)) return skipPast(html, '-->', lt + 4);
  const next = html[lt + 1];
  if (next === '!' || next === '?') return skipPast(html, '>', lt + 2);
  const closing = next === '/';
  const nameStart = lt + (closing ? 2 : 1);
  const nameEnd = tagNameEnd(html, nameStart);
  if (nameEnd === nameStart) {
    if (closing) return skipPast(html, '>', nameStart);
    scan.out.addText('<'); // a bare '<' in prose, as in "a < b"
    return lt + 1;
  }
  const tagEnd = findTagEnd(html, nameEnd);
  if (tagEnd < 0) return html.length; // unfinished tag: browsers drop the rest too
  const name = html.slice(nameStart, nameEnd).toLowerCase();
  if (closing) {
    closeElement(scan, name);
    return tagEnd + 1;
  }
  return openElement(scan, name, tagEnd + 1);
}

function openElement(scan: Scan, name: string, contentStart: number): number {
  if (SKIP_CONTENT.has(name)) {
    const close = findClosingTag(scan.html, name, contentStart);
    return close < 0 ? scan.html.length : close;
  }
  if (name === 'head') return skipHead(scan, contentStart);
  if (name === 'br') scan.out.addBreak();
  else if (name === 'li') scan.out.prefixNextLine(listMarker(scan.lists));
  else if (name === 'ul' || name === 'ol') {
    scan.lists.push({ ordered: name === 'ol', count: 0 });
    scan.out.breakAtLeast(1);
  } else if (name === 'pre') {
    scan.preDepth += 1;
    scan.out.breakAtLeast(2);
  } else applyBlock(scan.out, name);
  return contentStart;
}

function closeElement(scan: Scan, name: string): void {
  if (name === 'br') scan.out.addBreak();
  else if (name === 'li') scan.out.breakAtLeast(1);
  else if (name === 'ul' || name === 'ol') {
    scan.lists.pop();
    scan.out.breakAtLeast(1);
  } else if (name === 'pre') {
    scan.preDepth = Math.max(0, scan.preDepth - 1);
    scan.out.breakAtLeast(2);
  } else applyBlock(scan.out, name);
}

function applyBlock(out: TextBuilder, name: string): void {
  if (PARAGRAPH.has(name)) out.breakAtLeast(2);
  else if (LINE.has(name)) out.breakAtLeast(1);
  else if (SEPARATE.has(name)) out.separate();
}

function listMarker(lists: ListLevel[]): string {
  const level = lists[lists.length - 1];
  const indent = '  '.repeat(Math.min(Math.max(lists.length - 1, 0), MAX_INDENT_LEVELS));
  if (level === undefined || !level.ordered) return `${indent}- `;
  level.count += 1;
  return `${indent}${level.count}. `;
}

/** Skips a <head> to its end tag; an unclosed head is read on, as browsers move its text to the body. */
function skipHead(scan: Scan, from: number): number {
  if (from >= scan.headUnclosedFrom) return from;
  const close = findClosingTag(scan.html, 'head', from);
  if (close >= 0) return close;
  scan.headUnclosedFrom = from;
  return from;
}

function skipPast(html: string, marker: string, from: number): number {
  const at = html.indexOf(marker, from);
  return at < 0 ? html.length : at + marker.length;
}

function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 58;
}

/** End of a tag name that starts with a letter; `from` itself when there is none. */
function tagNameEnd(html: string, from: number): number {
  const first = html.charCodeAt(from) | 0x20;
  if (!(first >= 97 && first <= 122)) return from;
  let i = from + 1;
  while (i < html.length && isNameChar(html.charCodeAt(i))) i++;
  return i;
}

/** Index of the '>' closing the tag, skipping quoted attribute values; -1 when it never closes. */
function findTagEnd(html: string, from: number): number {
  let quote = '';
  let previous = '';
  for (let i = from; i < html.length; i++) {
    const c = html[i] ?? '';
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '>') {
      return i;
    } else if ((c === '"' || c === "'") && previous === '=') {
      quote = c;
    }
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') previous = c;
  }
  return -1;
}

/** Index of the '</name' that ends a raw-content element, case-insensitive; -1 when absent. */
function findClosingTag(html: string, name: string, from: number): number {
  let pos = from;
  for (;;) {
    const at = html.indexOf('</', pos);
    if (at < 0) return -1;
    const end = at + 2 + name.length;
    if (html.slice(at + 2, end).toLowerCase() === name && !isNameChar(html.charCodeAt(end))) return at;
    pos = at + 2;
  }
}
