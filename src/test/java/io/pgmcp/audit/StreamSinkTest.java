package io.pgmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class StreamSinkTest {

    /** Records each write call and how many bytes were flushed by then. */
    private static final class RecordingStream extends OutputStream {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<String> writeCalls = new ArrayList<>();
        int flushedBytes;

        @Override
        public void write(int b) {
            throw new AssertionError("single-byte writes could interleave");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            written.write(b, off, len);
            writeCalls.add(new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            flushedBytes = written.size();
        }
    }

    @Test
    void writesEachEventAsOneFlushedLine() throws Exception {
        RecordingStream stream = new RecordingStream();
        try (StreamSink sink = new StreamSink(stream, "stderr")) {
            sink.write(AuditEvents.executed("1"));
            assertEquals(stream.written.size(), stream.flushedBytes, "flushed before write returned");
            sink.write(AuditEvents.executed("2"));
        }
        assertEquals(2, stream.writeCalls.size());
        for (int i = 0; i < 2; i++) {
            String call = stream.writeCalls.get(i);
            assertEquals('\n', call.charAt(call.length() - 1));
            assertEquals(Integer.toString(i + 1), AuditEvents.parse(call).get("request_id").asText());
        }
    }

    @Test
    void concurrentWritesNeverInterleave() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StreamSink sink = new StreamSink(out, "stdout"); ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        sink.write(AuditEvents.executed(writer + "-" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1600, lines.length);
        for (String line : lines) {
            AuditEvents.parse(line);
        }
    }

    @Test
    void aFailingStreamIsAnAuditException() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        try (StreamSink raw = new StreamSink(broken, "stdout");
                StreamSink printing = new StreamSink(new PrintStream(broken, false, StandardCharsets.UTF_8),
                        "stderr")) {
            assertThrows(AuditException.class, () -> raw.write(AuditEvents.executed("1")));
            assertThrows(AuditException.class, () -> printing.write(AuditEvents.executed("1")),
                    "a PrintStream swallows the IOException; checkError() reveals it");
        }
    }
}
