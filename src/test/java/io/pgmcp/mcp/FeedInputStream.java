package io.pgmcp.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/** An input stream a test feeds chunk by chunk; {@link #end()} makes it reach end of input. */
public final class FeedInputStream extends InputStream {

    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final CountDownLatch endReached = new CountDownLatch(1);
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    public void feed(String text) {
        feed(text.getBytes(StandardCharsets.UTF_8));
    }

    void feed(byte[] bytes) {
        chunks.add(bytes.clone());
    }

    public void end() {
        chunks.add(END);
    }

    /** Counted down when a reader has seen the end of input. */
    CountDownLatch endReached() {
        return endReached;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == current.length) {
            if (ended) {
                endReached.countDown();
                return -1;
            }
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for input");
            }
            position = 0;
            if (current == END) {
                ended = true;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }
}
