/**
 * Splits a byte stream into lines with a bounded buffer. Of a line longer than `maxLineBytes`
 * only the first `maxLineBytes` are kept: the rest is skipped up to the next newline and the line
 * is reported as oversized with that head, so a child printing one endless line costs
 * `maxLineBytes` of memory, not the line, and its output is not lost entirely.
 */
import { StringDecoder } from "node:string_decoder";

export interface LineSplitterEvents {
  line(text: string): void;
  /**
   * A line of `bytes` bytes (counted until its newline) was too long; `head` is its start, at
   * most `maxLineBytes` bytes, cut at a character boundary.
   */
  oversized(bytes: number, head: string): void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private bufferedBytes = 0;
  /** Bytes of the current line being skipped, or -1 when not skipping. */
  private skipping = -1;
  /** The first maxLineBytes of the line being skipped. */
  private head: Buffer | null = null;
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly maxLineBytes: number,
    private readonly events: LineSplitterEvents,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.skipping >= 0) {
        this.skipping += piece.length;
      } else if (this.bufferedBytes + piece.length > this.maxLineBytes) {
        this.skipping = this.bufferedBytes + piece.length;
        this.head = Buffer.concat([...this.parts, piece.subarray(0, this.maxLineBytes - this.bufferedBytes)]);
        this.parts = [];
        this.bufferedBytes = 0;
      } else if (piece.length > 0) {
        // Copied: the chunk's memory belongs to the stream and may be reused.
        this.parts.push(Buffer.from(piece));
        this.bufferedBytes += piece.length;
      }
      if (newline === -1) break;
      this.endLine();
      start = newline + 1;
    }
  }

  /** Emits the last line if it had no trailing newline. */
  end(): void {
    if (this.skipping >= 0 || this.bufferedBytes > 0) this.endLine();
  }

  private endLine(): void {
    if (this.skipping >= 0) {
      const bytes = this.skipping;
      const head = this.head ?? Buffer.alloc(0);
      this.skipping = -1;
      this.head = null;
      // write() without end(): a character cut by the limit is left out, not turned into U+FFFD.
      this.events.oversized(bytes, new StringDecoder("utf8").write(head));
      return;
    }
    const buffer = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bufferedBytes);
    this.parts = [];
    this.bufferedBytes = 0;
    let text = this.decoder.write(buffer) + this.decoder.end();
    if (text.endsWith("\r")) text = text.slice(0, -1);
    this.events.line(text);
  }
}
