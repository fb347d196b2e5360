// How the admin pages show why the filter judged a message as it did: the verdict, the
// score and the tokens that weighed most, spam-leaning and ham-leaning told apart by sign
// and colour. Pure rendering; shared by the quarantine and ticket pages.
import { escapeHtml } from '../html.js';

export interface Evidence {
  token: string;
  /** log-odds: > 0 pushed towards spam, < 0 towards ham */
  weight: number;
}

const VERDICTS: Record<string, { label: string; css: string }> = {
  spam: { label: 'Spam', css: 'verdict-spam' },
  ham: { label: 'Not spam', css: 'verdict-ham' },
  unsure: { label: 'Unsure — needs review', css: 'verdict-unsure' },
  'agent:spam': { label: 'Spam (marked by an agent)', css: 'verdict-spam' },
  'agent:ham': { label: 'Not spam (marked by an agent)', css: 'verdict-ham' },
};

/** The quarantine stores evidence as untyped JSON: keep only well-formed entries. */
export function evidenceOf(value: unknown): Evidence[] {
  return Array.isArray(value) ? (value as unknown[]).filter(isEvidence) : [];
}

function isEvidence(value: unknown): value is Evidence {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.token === 'string' && typeof entry.weight === 'number' && Number.isFinite(entry.weight);
}

export function verdictBadge(verdict: string): string {
  const known = VERDICTS[verdict];
  return `<span class="badge verdict ${known?.css ?? ''}">${escapeHtml(known?.label ?? verdict)}</span>`;
}

export function formatScore(score: number | null): string {
  return score === null ? '—' : score.toFixed(2);
}

export function formatWeight(weight: number): string {
  return `${weight >= 0 ? '+' : '-'}${Math.abs(weight).toFixed(1)}`;
}

/** The sign is in the text as well as the colour, so the list reads without colour too. */
export function evidenceList(evidence: Evidence[]): string {
  if (evidence.length === 0) return '<p class="muted evidence-none">No token weighed enough to explain this score.</p>';
  const items = evidence
    .map((e) => {
      const leaning = e.weight >= 0 ? 'token-spam' : 'token-ham';
      return `<li class="token ${leaning}">${escapeHtml(e.token)} <b>${formatWeight(e.weight)}</b></li>`;
    })
    .join('');
  return `<ul class="evidence" aria-label="Tokens that weighed most (+ towards spam, - towards not spam)">${items}</ul>`;
}

export const EVIDENCE_LEGEND =
  '<p class="muted legend">Tokens: <span class="token token-spam">+ pushed towards spam</span> <span class="token token-ham">- pushed towards not spam</span></p>';
