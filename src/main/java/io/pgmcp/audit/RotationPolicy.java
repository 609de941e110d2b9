package io.pgmcp.audit;

/**
 * When and how {@link FileSink} rotates: a line that would take the file past {@code maxBytes} goes
 * into a fresh file; {@code maxFiles} counts the current file and the rotated ones kept
 * ({@code audit.1.jsonl} newest to {@code audit.<maxFiles-1>.jsonl} oldest); {@code compress} gzips
 * each rotated file to {@code audit.N.jsonl.gz}.
 */
public record RotationPolicy(long maxBytes, int maxFiles, boolean compress) {
    private static final long MEBIBYTE = 1024L * 1024L;

    public RotationPolicy {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " must be at least 1");
        }
        if (maxFiles < 1) {
            throw new IllegalArgumentException("maxFiles " + maxFiles + " must be at least 1");
        }
    }

    /** As configured: {@code audit.max_size_mb}, {@code audit.max_files}, {@code audit.compress}. */
    public static RotationPolicy ofMegabytes(int maxSizeMb, int maxFiles, boolean compress) {
        return new RotationPolicy(maxSizeMb * MEBIBYTE, maxFiles, compress);
    }
}
