package io.pgmcp.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The database sink's local holding file: events appended while the audit database is unreachable
 * (with {@link AppendFile}'s durability), read back in order when it returns, then emptied. Survives
 * restarts: a spool left by an earlier process is replayed by the next. Not thread-safe: the
 * database sink holds its lock.
 */
final class Spool implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(Spool.class.getName());
    private static final JsonFactory json = JsonFactory.builder().build();

    /** Receives spooled lines, a batch at a time, in the order they were spooled. */
    @FunctionalInterface
    interface BatchConsumer<E extends Exception> {
        void accept(List<String> lines) throws E;
    }

    private final AppendFile file;

    Spool(Path path, boolean fsync) {
        this.file = new AppendFile(path, fsync);
    }

    Path path() {
        return file.path();
    }

    void append(String line) throws IOException {
        file.append((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** True when nothing is spooled; creates the (empty) file if missing. */
    boolean isEmpty() throws IOException {
        return file.size() == 0;
    }

    /**
     * Passes every spooled event to {@code consumer} in batches of at most {@code batchSize}, in
     * order, and returns how many there were. Lines that are not whole JSON objects (torn by a crash
     * or a full disk while being written, so never acknowledged) are skipped with a warning.
     */
    <E extends Exception> int replay(int batchSize, BatchConsumer<E> consumer) throws IOException, E {
        int count = 0;
        List<String> batch = new ArrayList<>(batchSize);
        // a stream, not a channel: an interrupt of the calling thread must not abort the replay
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(new FileInputStream(file.path().toFile()), StandardCharsets.UTF_8))) {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isEmpty()) {
                    continue;
                }
                if (!isJsonObject(line)) {
                    logger.log(System.Logger.Level.WARNING, "Skipping line " + number + " of the audit spool "
                            + file.path() + ": not a whole JSON object (a write torn by a crash)");
                    continue;
                }
                batch.add(line);
                if (batch.size() == batchSize) {
                    consumer.accept(List.copyOf(batch));
                    count += batch.size();
                    batch.clear();
                }
            }
        } catch (FileNotFoundException e) {
            return 0;
        }
        if (!batch.isEmpty()) {
            consumer.accept(List.copyOf(batch));
            count += batch.size();
        }
        return count;
    }

    void clear() throws IOException {
        file.truncate();
    }

    @Override
    public void close() {
        file.close();
    }

    private static boolean isJsonObject(String line) {
        try (JsonParser parser = json.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
