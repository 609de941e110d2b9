package io.pgmcp.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Audit events as JSON lines in a file ({@code audit.storage: file}), rotated by size.
 *
 * <p>Guarantees: {@link #write} returns once the line is in the operating system's hands (and on
 * disk with {@code fsync}); each line is written whole, under a lock, so concurrent calls never
 * interleave; a line that would take the file past {@link RotationPolicy#maxBytes()} starts a new
 * file first (a line longer than that gets a file of its own). Files are created mode 0600 in
 * directories created 0700; a file deleted or moved away by someone else is created again. One
 * process per file: two processes rotating the same file would race.
 *
 * <p>A failed rotation is logged and the line goes into the current file: a late rotation is better
 * than a lost event. A failed gzip leaves the rotated file uncompressed.
 */
public final class FileSink extends SerialSink {
    private static final System.Logger logger = System.getLogger(FileSink.class.getName());

    private final AppendFile file;
    private final RotationPolicy rotation;
    private final RotatedFiles rotated;

    private FileSink(Path path, RotationPolicy rotation, boolean fsync) {
        this.file = new AppendFile(path, fsync);
        this.rotation = Objects.requireNonNull(rotation, "rotation");
        this.rotated = new RotatedFiles(file.path(), rotation.maxFiles(), fsync);
    }

    /**
     * Opens (creating if needed) the file at {@code path}, so that a directory that cannot be written
     * fails at start-up rather than on the first call.
     *
     * @throws AuditException if the file cannot be created or opened
     */
    public static FileSink open(Path path, RotationPolicy rotation, boolean fsync) throws AuditException {
        FileSink sink = new FileSink(path, rotation, fsync);
        try {
            sink.file.size();
        } catch (IOException e) {
            sink.close();
            throw new AuditException("Cannot open the audit file " + sink.file.path() + ": " + e, e);
        }
        return sink;
    }

    /** The file being written. */
    public Path path() {
        return file.path();
    }

    @Override
    void writeLocked(String line) throws AuditException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            long size = file.size();
            if (size > 0 && size + bytes.length > rotation.maxBytes()) {
                rotate(size);
            }
            file.appendAfterSize(bytes);
        } catch (IOException e) {
            throw new AuditException("Cannot write to the audit file " + file.path() + ": " + e, e);
        }
    }

    @Override
    void flushLocked(boolean closed) throws AuditException {
        try {
            file.force();
        } catch (IOException e) {
            throw new AuditException("Cannot force the audit file " + file.path() + " to disk: " + e, e);
        }
    }

    @Override
    void closeLocked() {
        file.close();
    }

    @Override
    String closedMessage() {
        return "The audit file " + file.path() + " is closed";
    }

    private void rotate(long size) {
        file.release();
        Path kept;
        try {
            kept = rotated.rotate();
        } catch (IOException e) {
            logger.log(System.Logger.Level.WARNING, "Cannot rotate the audit file " + file.path() + " at " + size
                    + " bytes (limit " + rotation.maxBytes() + "); writing on into it: " + e, e);
            return;
        }
        if (kept != null && rotation.compress()) {
            try {
                rotated.compressNewest();
            } catch (IOException e) {
                logger.log(System.Logger.Level.WARNING, "Cannot gzip the rotated audit file " + kept
                        + "; it stays uncompressed: " + e, e);
            }
        }
        // with fsync, reopening the new file forces the directory, and with it these renames
    }
}
