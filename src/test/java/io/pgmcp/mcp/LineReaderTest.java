package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static LineReader reader(String text, int max) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    private static void assertLine(String expected, LineReader.Result result) {
        assertEquals(new LineReader.Line(expected), result);
    }

    @Test
    void splitsOnLfAndCrLf() throws IOException {
        LineReader reader = reader("a\nb\r\nc\r\rd\n", 100);
        assertLine("a", reader.next());
        assertLine("b", reader.next());
        assertLine("c\r\rd", reader.next());
        assertInstanceOf(LineReader.End.class, reader.next());
        assertInstanceOf(LineReader.End.class, reader.next());
    }

    @Test
    void lastLineWithoutNewlineCounts() throws IOException {
        LineReader reader = reader("a\nlast", 100);
        assertLine("a", reader.next());
        assertLine("last", reader.next());
        assertInstanceOf(LineReader.End.class, reader.next());
    }

    @Test
    void lineOfExactlyTheLimitIsAcceptedWithEitherEnding() throws IOException {
        String ten = "0123456789";
        LineReader reader = reader(ten + "\n" + ten + "\r\n", 10);
        assertLine(ten, reader.next());
        assertLine(ten, reader.next());
    }

    @Test
    void lineOverTheLimitIsTooLongAndTheNextLineIsFine() throws IOException {
        LineReader reader = reader("01234567890\n" + "0123456789\r\n" + "y".repeat(1_000_000) + "\nok\n", 10);
        assertInstanceOf(LineReader.TooLong.class, reader.next());
        assertLine("0123456789", reader.next());
        assertInstanceOf(LineReader.TooLong.class, reader.next());
        assertLine("ok", reader.next());
    }

    @Test
    void overLongLastLineWithoutNewlineIsTooLong() throws IOException {
        LineReader reader = reader("x".repeat(50), 10);
        assertInstanceOf(LineReader.TooLong.class, reader.next());
        assertInstanceOf(LineReader.End.class, reader.next());
    }

    @Test
    void limitCountsBytesNotCharacters() throws IOException {
        LineReader reader = reader("éé\néééééé\n", 4);
        assertLine("éé", reader.next());
        assertInstanceOf(LineReader.TooLong.class, reader.next());
    }

    @Test
    void multibyteCharacterSplitAcrossReadsDecodes() throws IOException {
        byte[] bytes = "😀漢\n".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < bytes.length ? bytes[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                int b = read();
                if (b < 0) {
                    return -1;
                }
                buffer[offset] = (byte) b;
                return 1;
            }
        };
        assertLine("😀漢", new LineReader(trickle, 100).next());
    }

    @Test
    void invalidUtf8IsMalformedAndTheNextLineIsFine() throws IOException {
        byte[] bytes = {(byte) 0xff, 'a', '\n', 'b', '\n'};
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes), 100);
        assertInstanceOf(LineReader.Malformed.class, reader.next());
        assertLine("b", reader.next());
    }

    @Test
    void byteOrderMarkAtTheStartIsStripped() throws IOException {
        LineReader reader = reader("\uFEFF{}\n\uFEFF{}\n", 100);
        assertLine("{}", reader.next());
        assertLine("\uFEFF{}", reader.next());
    }

    @Test
    void limitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> reader("", 0));
    }
}
