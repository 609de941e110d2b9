package io.pgmcp.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into UTF-8 lines ending in {@code \n} or {@code \r\n}, holding at most
 * {@code maxLineBytes} of one line in memory: the rest of an over-long line is skipped, not
 * buffered. A last line without a newline still counts. Not thread-safe: one reader thread.
 */
final class LineReader {

    /** What {@link #next()} found. */
    sealed interface Result {}

    record Line(String text) implements Result {}

    /** A line longer than the limit; its bytes were discarded. */
    record TooLong() implements Result {}

    /** A line that is not valid UTF-8. */
    record Malformed() implements Result {}

    record End() implements Result {}

    private static final int CHUNK = 64 * 1024;
    private static final int KEEP = 64 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] chunk = new byte[CHUNK];
    private int position;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[1024];
    private int length;
    private boolean overflow;
    private boolean first = true;

    /** @throws IllegalArgumentException if {@code maxLineBytes} is not positive */
    LineReader(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Blocks until a line is complete or the stream ends.
     *
     * @throws IOException if reading fails
     */
    Result next() throws IOException {
        while (true) {
            if (position == limit) {
                int n = eof ? -1 : in.read(chunk);
                if (n < 0) {
                    eof = true;
                    return length > 0 || overflow ? endLine() : new End();
                }
                position = 0;
                limit = n;
                continue;
            }
            int newline = indexOfNewline();
            append(position, (newline < 0 ? limit : newline) - position);
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                return endLine();
            }
        }
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(int from, int count) {
        if (overflow || count == 0) {
            return;
        }
        // One byte beyond the limit is kept so that a line of exactly maxLineBytes can end in \r\n.
        if ((long) length + count > (long) maxLineBytes + 1) {
            overflow = true;
            length = 0;
            return;
        }
        if (length + count > line.length) {
            long grown = Math.max((long) line.length * 2, (long) length + count);
            byte[] bigger = new byte[(int) Math.min(grown, (long) maxLineBytes + 1)];
            System.arraycopy(line, 0, bigger, 0, length);
            line = bigger;
        }
        System.arraycopy(chunk, from, line, length, count);
        length += count;
    }

    private Result endLine() {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        boolean tooLong = overflow || end > maxLineBytes;
        Result result = tooLong ? new TooLong() : decode(end);
        overflow = false;
        length = 0;
        if (line.length > KEEP) {
            line = new byte[1024]; // do not pin a 16 MiB buffer after one large message
        }
        return result;
    }

    private Result decode(int end) {
        String text;
        try {
            text = decoder.decode(ByteBuffer.wrap(line, 0, end)).toString();
        } catch (CharacterCodingException e) {
            first = false;
            return new Malformed();
        }
        if (first) {
            first = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        return new Line(text);
    }
}
