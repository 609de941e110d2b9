package io.pgmcp.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;

/**
 * The names and moves of rotation: {@code audit.jsonl} becomes {@code audit.1.jsonl} (then
 * {@code audit.1.jsonl.gz} when compressing), every older {@code audit.N.jsonl[.gz]} moves to
 * {@code N+1}, and the one that would become {@code audit.<maxFiles>} is deleted. A file with no
 * extension rotates to {@code name.N}.
 */
final class RotatedFiles {
    private final Path current;
    private final String stem;
    private final String extension;
    private final int maxFiles;
    private final boolean fsync;

    RotatedFiles(Path current, int maxFiles, boolean fsync) {
        this.current = current;
        String name = current.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.stem = dot > 0 ? name.substring(0, dot) : name;
        this.extension = dot > 0 ? name.substring(dot) : "";
        this.maxFiles = maxFiles;
        this.fsync = fsync;
    }

    /** {@code audit.N.jsonl}. */
    Path plain(int index) {
        return current.resolveSibling(stem + "." + index + extension);
    }

    /** {@code audit.N.jsonl.gz}. */
    Path gzipped(int index) {
        return current.resolveSibling(stem + "." + index + extension + ".gz");
    }

    /**
     * Shifts the rotated files up by one, dropping the oldest, and moves the current file to
     * {@code .1}; with {@code maxFiles == 1} the current file is simply deleted. Returns the rotated
     * file, if one was kept.
     */
    Path rotate() throws IOException {
        for (int index = maxFiles - 1; index >= 1; index--) {
            shift(plain(index), plain(index + 1), index + 1);
            shift(gzipped(index), gzipped(index + 1), index + 1);
        }
        if (maxFiles == 1) {
            Files.deleteIfExists(current);
            return null;
        }
        Files.move(current, plain(1), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return plain(1);
    }

    /**
     * Replaces {@code .1} with {@code .1.gz}: gzip to a temporary file (mode 0600), rename it into
     * place, then delete the plain file, so a crash leaves one whole file or the other behind.
     */
    void compressNewest() throws IOException {
        Path source = plain(1);
        Path target = gzipped(1);
        Path partial = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(partial);
        if (partial.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(partial,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        // streams, not channels: an interrupt of the calling thread must not abort the rotation halfway
        try (InputStream in = new FileInputStream(source.toFile());
                FileOutputStream file = new FileOutputStream(partial.toFile());
                GZIPOutputStream gzip = new GZIPOutputStream(file, 64 * 1024)) {
            in.transferTo(gzip);
            gzip.finish();
            if (fsync) {
                file.getFD().sync();
            }
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(source);
    }

    private void shift(Path from, Path to, int toIndex) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        if (toIndex >= maxFiles) {
            Files.delete(from);
        } else {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
