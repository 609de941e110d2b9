package io.pgmcp.db;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.resilience.Ticker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs {@code args[2]} copies of the SQL {@code args[1]} at once through {@link Database#query} on the
 * database at URL {@code args[0]} (1,000 rows, 1 MiB at most), then {@code SELECT 1}, printing one line per
 * call ({@code rows N truncated R} or {@code failed KIND SQLSTATE}), {@code healthy} when the last call
 * answered, and the peak heap: for a child JVM with a small heap, where reading the values whole would
 * end in an OutOfMemoryError.
 */
public final class HugeValuesChild {
    private HugeValuesChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String sql = args[1];
        int calls = Integer.parseInt(args[2]);
        DatabaseConfig config = DatabaseConfig.of("main", ConnectionTarget.parse(url));
        PoolSettings settings = PoolSettings.of("main", 0, calls).withAcquireTimeout(Duration.ofSeconds(60));
        ExecutionLimits limits = new ExecutionLimits(1000, 1 << 20, Duration.ofSeconds(120), List.of("public"));
        try (Database database = new Database("main", new ConnectionPool(settings,
                new PgConnectionFactory(config, Duration.ofSeconds(120)), Ticker.system()),
                PoolFixture.defaults("main"));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                answers.add(threads.submit(() -> {
                    try {
                        ResultTable table = database.query(sql, limits, CancelSignal.NONE);
                        return "rows " + table.rowCount() + " truncated " + table.truncationReason().orElse("-");
                    } catch (DatabaseException e) {
                        return "failed " + e.failure().kind() + " " + e.failure().sqlState();
                    }
                }));
            }
            for (Future<String> answer : answers) {
                System.out.println(answer.get());
            }
            ResultTable one = database.query("SELECT 1", limits, CancelSignal.NONE);
            System.out.println(one.rows().get(0).get(0).equals(1L) ? "healthy" : "wrong answer " + one.rows());
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("peak heap " + peak);
    }
}
