import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.db.DirectConnection;
import io.pgmcp.sql.AccessPolicy;
import io.pgmcp.sql.LexedStatement;
import io.pgmcp.sql.Lexer;
import io.pgmcp.sql.SqlGuard;
import io.pgmcp.sql.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;

/**
 * The SQL guard, warm: {@code SqlGuard.check(sql, catalog)} (lexer + JSQLParser +
 * policy analysis) over the corpus's allowed queries, round-robin, under the corpus's own policy
 * and schema, each call a text the guard has not seen (a changing comment in front: the guard keeps its
 * verdict per text); and the same queries repeated, answered from the kept verdicts. Also times the stages: our lexer alone ({@code Lexer.analyse}) and lexer + JSQLParser
 * (parsing the skeleton the way the guard does, without its watchdog); the policy analysis is the
 * rest. Usage: {@code java -cp "IMAGE/app/*" GuardBench.java HOST PORT DB USER TESTDATA_DIR [CALLS] [WARMUP]}.
 */
public final class GuardBench {
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        String host = args[0];
        String port = args[1];
        String db = args[2];
        String user = args[3];
        Path testdata = Path.of(args[4]);
        int calls = args.length > 5 ? Integer.parseInt(args[5]) : 200_000;
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 20_000;

        DatabaseConfig config = new ConfigLoader(Map.of("PG_HOST", host, "PG_PORT", port, "PG_DB", db, "PG_USER", user))
                .load(testdata.resolve("guard-policy.yaml")).config().databases().getFirst();
        AccessPolicy policy = new AccessPolicy(config.accessPolicy());
        SqlGuard guard = new SqlGuard(policy, config.dbname());
        Catalog catalog;
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), user, "")) {
            catalog = new CatalogLoader(Clock.systemUTC()).load(DirectConnection.open(() -> connection), config.name(), Set.of());
        }

        ObjectMapper json = new ObjectMapper();
        List<String> queries = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String line : Files.readAllLines(testdata.resolve("sql-guard-corpus.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode c = json.readTree(line);
            if (!c.path("expect").asText().equals("allow")) {
                continue;
            }
            String sql = c.path("sql").asText();
            if (guard.check(sql, catalog) instanceof Verdict.Allowed) {
                queries.add(sql);
            } else {
                refused.add(c.path("id").asText()); // tolerated over-blocking (OK32/OK33): not part of the measure
            }
        }
        if (queries.isEmpty()) {
            throw new IllegalStateException("no allowed query in the corpus");
        }
        String[] sqls = queries.toArray(String[]::new);

        Stage lexer = sql -> sink = Lexer.analyse(sql);
        Stage lexParse = sql -> {
            LexedStatement lexed = Lexer.analyse(sql);
            // as SqlGuard parses: JSQLParser's simple mode first, the complex mode only when that fails
            try {
                sink = CCJSqlParserUtil.newParser(lexed.skeletonSql()).withAllowComplexParsing(false).Statement();
            } catch (Exception simpleModeFailed) {
                sink = CCJSqlParserUtil.newParser(lexed.skeletonSql()).withAllowComplexParsing(true).Statement();
            }
        };
        // the guard keeps its verdict per SQL text: a comment that changes every call makes each check a
        // new text, so that this times lexing, parsing and analysis (and the cache's store), as for a new query
        long[] counter = {0};
        Stage full = sql -> {
            String text = "/* " + counter[0]++ + " */ " + sql;
            Verdict verdict = guard.check(text, catalog);
            if (!(verdict instanceof Verdict.Allowed)) {
                throw new IllegalStateException("refused: " + text + " -> " + verdict);
            }
            sink = verdict;
        };
        Stage repeated = sql -> sink = guard.check(sql, catalog);
        // warm every stage, then time each
        for (Stage stage : List.of(full, lexer, lexParse, repeated)) {
            time(stage, sqls, warmup);
        }
        double[] fullMicros = time(full, sqls, calls);
        double[] lexMicros = time(lexer, sqls, calls);
        double[] parseMicros = time(lexParse, sqls, calls);
        double[] repeatedMicros = time(repeated, sqls, calls);

        System.out.printf(Locale.ROOT, "%-50s %8s %8s %8s %8s %8s%n", "measure (" + String.format(Locale.ROOT, "%,d", calls)
                + " calls, " + sqls.length + " queries)", "p50 us", "p90 us", "p99 us", "max us", "mean us");
        row("SqlGuard.check (lex + parse + policy), warm", fullMicros);
        row("  stage: Lexer.analyse alone", lexMicros);
        row("  stage: Lexer.analyse + JSQLParser parse", parseMicros);
        row("SqlGuard.check, a repeated query (verdict kept)", repeatedMicros);
        System.out.printf(Locale.ROOT, "%-50s %8.1f   (mean: check - lexer+parse)%n", "  stage: policy analysis (by difference)",
                mean(fullMicros) - mean(parseMicros));
        System.out.printf(Locale.ROOT, "%-50s p50 %s 100 us, p99 %s 1000 us (targets)%n", "target",
                pct(fullMicros, 50) <= 100 ? "<=" : "> ", pct(fullMicros, 99) <= 1000 ? "<=" : "> ");
        if (!refused.isEmpty()) {
            System.out.println("(not measured, refused by the guard as tolerated over-blocking: " + String.join(", ", refused) + ")");
        }
        json("guard_check_us", fullMicros, sqls.length, ",\"target_p50\":100,\"target_p99\":1000");
        json("guard_stage_lexer_us", lexMicros, sqls.length, "");
        json("guard_repeated_us", repeatedMicros, sqls.length, "");
        json("guard_stage_lexer_parser_us", parseMicros, sqls.length, "");
    }

    interface Stage {
        void run(String sql) throws Exception;
    }

    private static double[] time(Stage stage, String[] sqls, int calls) throws Exception {
        double[] micros = new double[calls];
        for (int i = 0; i < calls; i++) {
            String sql = sqls[i % sqls.length];
            long start = System.nanoTime();
            stage.run(sql);
            micros[i] = (System.nanoTime() - start) / 1e3;
        }
        return micros;
    }

    private static double pct(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static void row(String name, double[] values) {
        System.out.printf(Locale.ROOT, "%-50s %8.1f %8.1f %8.1f %8.1f %8.1f%n", name, pct(values, 50), pct(values, 90),
                pct(values, 99), pct(values, 100), mean(values));
    }

    private static void json(String measure, double[] values, int queries, String extra) {
        System.out.printf(Locale.ROOT, "{\"measure\":\"%s\",\"calls\":%d,\"queries\":%d,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,"
                + "\"max\":%.1f,\"mean\":%.1f%s}%n", measure, values.length, queries, pct(values, 50), pct(values, 90),
                pct(values, 99), pct(values, 100), mean(values), extra);
    }
}
