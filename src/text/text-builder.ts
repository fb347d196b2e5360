// Accumulates converted text for html-to-text. Breaks and spaces are held back until real text
// follows, so the output never starts, ends, or lines end with stray whitespace.

/** Invisible characters that marketing mail pads preview text with; they carry no meaning. */
// U+034F is a combining mark on purpose: it is one of the padding characters removed.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\u00ad\u034f\u200b-\u200d\u2060\ufeff]/g;

export class TextBuilder {
  private readonly parts: string[] = [];
  private atLineStart = true;
  private pendingBreaks = 0;
  private pendingSpace = false;
  private pendingPrefix = '';

  /** Asks for at least `count` line breaks (2 = a blank line) before the next text. */
  breakAtLeast(count: 1 | 2): void {
    this.pendingBreaks = Math.max(this.pendingBreaks, count);
    this.pendingSpace = false;
  }

  /** <br>: each one adds a break, up to one blank line. */
  addBreak(): void {
    this.pendingBreaks = Math.min(this.pendingBreaks + 1, 2);
    this.pendingSpace = false;
  }

  /** Words on both sides of this point must not run together (table cells, images). */
  separate(): void {
    if (this.pendingBreaks === 0) this.pendingSpace = true;
  }

  /** Text written at the start of the next line that gets content, e.g. a list marker. */
  prefixNextLine(prefix: string): void {
    this.breakAtLeast(1);
    this.pendingPrefix = prefix;
  }

  /** Flowing text: whitespace runs collapse to one space. */
  addText(text: string): void {
    const collapsed = text.replace(INVISIBLE, '').replace(/\s+/g, ' ');
    if (collapsed === '') return;
    if (collapsed.startsWith(' ')) this.separate();
    const words = collapsed.trim();
    if (words !== '') this.emit(words);
    if (words !== '' && collapsed.endsWith(' ')) this.pendingSpace = true;
  }

  /** Preformatted text: kept as written apart from line-ending normalisation. */
  addPreformatted(text: string): void {
    let normalized = text.replace(/\r\n?/g, '\n');
    // A newline where a break is already due would only double it (HTML drops the first one too).
    if (this.atLineStart || this.pendingBreaks > 0) normalized = normalized.replace(/^\n+/, '');
    if (normalized.trim() !== '') this.emit(normalized);
  }

  toString(): string {
    return this.parts
      .join('')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd();
  }

  private emit(text: string): void {
    if (this.parts.length > 0 && this.pendingBreaks > 0) this.parts.push('\n'.repeat(this.pendingBreaks));
    else if (this.pendingSpace && !this.atLineStart) this.parts.push(' ');
    if (this.pendingBreaks > 0 || this.atLineStart) this.parts.push(this.pendingPrefix);
    this.pendingPrefix = '';
    this.pendingBreaks = 0;
    this.pendingSpace = false;
    this.parts.push(text);
    this.atLineStart = text.endsWith('\n');
  }
}
