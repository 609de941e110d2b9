package io.pgmcp.audit;

import java.nio.file.Path;

/**
 * A child process for {@link KillAfterWriteTest}: writes one event through a {@link FileSink},
 * prints {@code written}, then blocks until it is killed (or stdin closes).
 *
 * <p>Arguments: the audit file, the event's request id, {@code fsync} or {@code nofsync}.
 */
public final class WriteOneEventAndWait {
    private WriteOneEventAndWait() {}

    public static void main(String[] args) throws Exception {
        FileSink sink = FileSink.open(Path.of(args[0]), new RotationPolicy(1 << 20, 2, false), args[2].equals("fsync"));
        sink.write(AuditEvents.executed(args[1]));
        System.out.println("written");
        System.out.flush();
        // no close, no shutdown hook: the line must already be with the operating system
        while (System.in.read() >= 0) {
            // wait for the kill
        }
    }
}
