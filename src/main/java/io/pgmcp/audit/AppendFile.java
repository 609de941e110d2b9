package io.pgmcp.audit;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * One append-only file of whole lines, the durable core of {@link FileSink} and the database sink's
 * {@link Spool}.
 *
 * <p>A new file is created mode 0600, and missing directories above it 0700 (on file systems without
 * POSIX permissions they are just created). Each line goes out in one append ({@code O_APPEND}); with
 * {@code fsync} it is then forced to disk. Before each append the path is checked to still name the
 * open file: when it was deleted or replaced (an operator's logrotate), the file is opened anew, so no
 * line goes into an unlinked inode. A file that does not end in a line break (a torn line from a
 * crash or a full disk) gets one before the next line, so the torn piece stays a line of its own.
 *
 * <p>Writes use {@link FileOutputStream}, not a {@link FileChannel}: an interrupt (a cancelled tool
 * call) closes a channel mid-write and would lose the very event that records the call.
 *
 * <p>Not thread-safe: the owner serialises calls (the sinks hold a lock).
 */
final class AppendFile implements AutoCloseable {
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    private final Path path;
    private final boolean fsync;
    private FileOutputStream out;
    private Object fileKey;
    private long size;

    AppendFile(Path path, boolean fsync) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
        this.fsync = fsync;
    }

    Path path() {
        return path;
    }

    /** Bytes in the file, opening (or reopening) it first. */
    long size() throws IOException {
        ensureOpen();
        return size;
    }

    /** Appends {@code bytes} (a whole line, its line break included) and forces it when configured. */
    void append(byte[] bytes) throws IOException {
        ensureOpen();
        write(bytes);
    }

    /**
     * Like {@link #append}, for a caller that has just called {@link #size} (which checked that the path
     * still names the open file) and done nothing since but perhaps {@link #release}: saves a second
     * look at the file system per line.
     */
    void appendAfterSize(byte[] bytes) throws IOException {
        if (out == null) {
            open();
        }
        write(bytes);
    }

    private void write(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            if (fsync) {
                out.getFD().sync();
            }
        } catch (IOException e) {
            release(); // reopening repairs a torn line before the next one
            throw e;
        }
        size += bytes.length;
    }

    /** Forces what was written to disk. */
    void force() throws IOException {
        if (out != null) {
            out.getFD().sync();
        }
    }

    /** Empties the file. */
    void truncate() throws IOException {
        ensureOpen();
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(0);
            if (fsync) {
                file.getFD().sync();
            }
        }
        size = 0;
    }

    /** Closes the file (before it is renamed); the next call opens the path again. */
    void release() {
        FileOutputStream open = out;
        out = null;
        fileKey = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // nothing is buffered in a FileOutputStream: a failed close loses no line
            }
        }
    }

    @Override
    public void close() {
        release();
    }

    private void ensureOpen() throws IOException {
        if (out != null) {
            Object current = currentFileKey();
            if (current != null && (fileKey == null || fileKey.equals(current))) {
                return;
            }
            release();
        }
        open();
    }

    private Object currentFileKey() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void open() throws IOException {
        boolean posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path directory = path.getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            if (posix) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
            } else {
                Files.createDirectories(directory);
            }
        }
        boolean created = false;
        try {
            if (posix) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(FILE_MODE));
            } else {
                Files.createFile(path);
            }
            created = true;
        } catch (FileAlreadyExistsException e) {
            // appending to the existing file, keeping whatever mode the operator gave it
        }
        FileOutputStream opened = new FileOutputStream(path.toFile(), true);
        try {
            fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            size = Files.size(path);
            out = opened;
            if (size > 0 && !endsWithLineBreak()) {
                append(new byte[]{'\n'});
            }
            if (created && fsync && directory != null) {
                forceDirectory(directory);
            }
        } catch (IOException | RuntimeException e) {
            release();
            opened.close();
            throw e;
        }
    }

    private boolean endsWithLineBreak() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            file.seek(size - 1);
            return file.read() == '\n';
        }
    }

    /** Makes a new directory entry durable; only some platforms can open a directory, the others need not. */
    static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not supported here (e.g. Windows): the entry becomes durable with the file system's next commit
        }
    }
}
