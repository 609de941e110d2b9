import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.db.DirectConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Catalog load time: creates one database per size with that many tables (5 columns of
 * mixed types, a primary key, a foreign key on every 5th table, comments on every 3rd), then times
 * {@code CatalogLoader.load} in a read-only transaction: 1 warm-up run, then RUNS timed runs.
 * Usage: {@code java -cp "IMAGE/app/*" CatalogBench.java HOST PORT USER [RUNS] [SIZE...]}.
 */
public final class CatalogBench {
    private static final int BATCH = 500;

    public static void main(String[] args) throws Exception {
        String host = args[0];
        String port = args[1];
        String user = args[2];
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1_000, 10_000);
        }
        String base = "jdbc:postgresql://" + host + ":" + port + "/";

        List<String> rows = new ArrayList<>();
        List<String> jsons = new ArrayList<>();
        for (int size : sizes) {
            String db = "catalog_" + size;
            create(base, user, db, size);
            try (Connection connection = DriverManager.getConnection(base + db, user, "")) {
                connection.setAutoCommit(false);
                connection.setReadOnly(true);
                CatalogLoader loader = new CatalogLoader(Clock.systemUTC());
                DirectConnection session = DirectConnection.open(() -> connection); // closed with the connection
                double[] millis = new double[runs];
                int tables = -1;
                int columns = 0;
                for (int i = -1; i < runs; i++) {
                    long start = System.nanoTime();
                    Catalog catalog = loader.load(session, db, Set.of());
                    long end = System.nanoTime();
                    connection.rollback();
                    tables = catalog.relations().size();
                    columns = catalog.relations().stream().mapToInt(t -> t.columns().size()).sum();
                    if (i >= 0) {
                        millis[i] = (end - start) / 1e6;
                    }
                }
                if (tables != size) {
                    throw new IllegalStateException("catalog of " + db + " holds " + tables + " relations, expected " + size);
                }
                double[] sorted = millis.clone();
                java.util.Arrays.sort(sorted);
                double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
                double max = sorted[sorted.length - 1];
                double target = size <= 1_000 ? 1_000 : 5_000;
                rows.add(String.format(Locale.ROOT, "%-52s %9.1f %9.1f %9.1f   %s %.0f ms", "CatalogLoader.load, "
                        + String.format(Locale.ROOT, "%,d tables (%,d columns)", size, columns), median, sorted[0], max,
                        max <= target ? "<=" : "> ", target));
                jsons.add(String.format(Locale.ROOT, "{\"measure\":\"catalog_load_ms\",\"tables\":%d,\"columns\":%d,\"runs\":%d,"
                        + "\"median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"target\":%.0f}", size, columns, runs, median, sorted[0],
                        max, target));
            }
        }
        System.out.printf(Locale.ROOT, "%-52s %9s %9s %9s   %s%n", "measure (1 warm-up, " + runs + " runs)", "median ms",
                "min ms", "max ms", "target (max)");
        rows.forEach(System.out::println);
        jsons.forEach(System.out::println);
    }

    /** Creates the database and its tables, in batches of one transaction each, printing progress on stderr. */
    private static void create(String base, String user, String db, int size) throws Exception {
        try (Connection admin = DriverManager.getConnection(base + "postgres", user, "");
                Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db);
            st.execute("CREATE DATABASE " + db);
        }
        long start = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(base + db, user, "");
                Statement st = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (int from = 1; from <= size; from += BATCH) {
                int to = Math.min(size, from + BATCH - 1);
                st.execute(ddl(from, to));
                connection.commit();
                if (to % 2_500 == 0 && to < size) {
                    System.err.printf(Locale.ROOT, "  creating %s: %,d / %,d tables (%.1f s)%n", db, to, size,
                            (System.nanoTime() - start) / 1e9);
                }
            }
            connection.setAutoCommit(true);
            st.execute("ANALYZE");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")) {
                rs.next();
                if (rs.getInt(1) != size) {
                    throw new IllegalStateException(db + " has " + rs.getInt(1) + " tables, expected " + size);
                }
            }
        }
        System.err.printf(Locale.ROOT, "  created %s: %,d tables in %.1f s%n", db, size, (System.nanoTime() - start) / 1e9);
    }

    private static String ddl(int from, int to) {
        return """
                DO $bench$
                DECLARE
                  t text;
                BEGIN
                  FOR i IN %d..%d LOOP
                    t := 't_' || lpad(i::text, 5, '0');
                    IF i %% 5 = 0 THEN
                      EXECUTE format('CREATE TABLE %%I (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), '
                        'created_at timestamptz NOT NULL DEFAULT now(), parent_id bigint REFERENCES %%I(id))',
                        t, 't_' || lpad((i - 1)::text, 5, '0'));
                    ELSE
                      EXECUTE format('CREATE TABLE %%I (id integer PRIMARY KEY, name varchar(100) NOT NULL, amount numeric(12,2), '
                        'created_at timestamptz DEFAULT now(), active boolean NOT NULL DEFAULT true)', t);
                    END IF;
                    IF i %% 3 = 0 THEN
                      EXECUTE format('COMMENT ON TABLE %%I IS %%L', t, 'Benchmark table number ' || i);
                      EXECUTE format('COMMENT ON COLUMN %%I.amount IS %%L', t, 'Amount in EUR, two decimals');
                    END IF;
                  END LOOP;
                END
                $bench$""".formatted(from, to);
    }
}
