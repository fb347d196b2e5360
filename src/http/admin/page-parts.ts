// Small pieces every admin page repeats: a readable UTC time, the result line shown after
// a form's redirect, and the reply headers for pages that carry mail content.
import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../html.js';

export function timeTag(iso: string | null): string {
  if (!iso) return '—';
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.replace('T', ' ').slice(0, 16))} UTC</time>`;
}

/** Only known keys are shown, so a crafted link cannot put its own words on the page. */
export function flashLine(key: string | undefined, messages: Record<string, string>, extra = ''): string {
  const text = key !== undefined && Object.hasOwn(messages, key) ? messages[key] : undefined;
  if (text === undefined) return '';
  return `<p class="notice" id="notice" role="status">${escapeHtml(text)}${extra}</p>`;
}

export function queryParam(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Mail content must not linger in shared caches or the browser's back-forward history. */
export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html').header('cache-control', 'no-store').send(html);
}
