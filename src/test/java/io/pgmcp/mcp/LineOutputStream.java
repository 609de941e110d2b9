package io.pgmcp.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects what a transport writes, line by line, and checks that every flush ends on a line
 * boundary. Can be told to fail, like a pipe whose reader went away.
 */
public final class LineOutputStream extends OutputStream {

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final AtomicInteger flushesMidLine = new AtomicInteger();
    private final AtomicBoolean broken = new AtomicBoolean();
    private final AtomicInteger concurrentWriters = new AtomicInteger();
    private final AtomicBoolean overlapped = new AtomicBoolean();

    public BlockingQueue<String> lines() {
        return lines;
    }

    void breakPipe() {
        broken.set(true);
    }

    int flushesMidLine() {
        return flushesMidLine.get();
    }

    boolean overlapped() {
        return overlapped.get();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (broken.get()) {
            throw new IOException("Broken pipe");
        }
        if (concurrentWriters.incrementAndGet() > 1) {
            overlapped.set(true);
        }
        try {
            synchronized (partial) {
                for (int i = offset; i < offset + length; i++) {
                    if (bytes[i] == '\n') {
                        lines.add(partial.toString(StandardCharsets.UTF_8));
                        partial.reset();
                    } else {
                        partial.write(bytes[i]);
                    }
                }
            }
        } finally {
            concurrentWriters.decrementAndGet();
        }
    }

    @Override
    public void flush() throws IOException {
        if (broken.get()) {
            throw new IOException("Broken pipe");
        }
        synchronized (partial) {
            if (partial.size() > 0) {
                flushesMidLine.incrementAndGet();
            }
        }
    }
}
