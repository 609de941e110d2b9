package io.pgmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering and the few "only here" rules, checked on the compiled main classes: a package
 * may refer only to packages below it in {@link #LAYERS}; {@code java.sql} and the driver only in
 * {@code db}; no Jackson in the packages that hold typed data (but Jackson's streaming reader in {@code db}, which
 * reads what PostgreSQL writes as JSON, such as a plan, into records: no tree leaves it); time read only through the injected
 * {@code Ticker}/clock, which {@code resilience} defines and {@code app} creates.
 */
class ArchitectureTest {

    /** Top to bottom: a package may refer to the packages after it, never to those before it. */
    static final List<String> LAYERS = List.of("app", "cli", "tools", "query", "sql", "llm", "catalog", "db", "mcp",
            "auth",
            "audit", "observability", "resilience", "config");

    private static final Set<String> JDBC_PACKAGES = new TreeSet<>(Set.of("db"));
    private static final Set<String> NO_JACKSON = new TreeSet<>(Set.of("sql", "catalog", "db", "query", "resilience"));
    /** Packages of {@link #NO_JACKSON} that may read JSON text with jackson-core's streaming parser. */
    private static final Set<String> JSON_STREAM_READERS = new TreeSet<>(Set.of("db"));
    private static final Set<String> CLOCK_READERS = new TreeSet<>(Set.of("resilience", "app"));

    /** Methods that read the system's clocks: a class calling them cannot be tested with a fake ticker. */
    static final Set<String> CLOCK_READS = Set.of(
            "java.lang.System#nanoTime", "java.lang.System#currentTimeMillis",
            "java.time.Instant#now", "java.time.Clock#systemUTC", "java.time.Clock#systemDefaultZone",
            "java.time.Clock#tickMillis", "java.time.Clock#tickSeconds", "java.time.Clock#tickMinutes",
            "java.time.InstantSource#system", "java.time.LocalDate#now", "java.time.LocalTime#now",
            "java.time.LocalDateTime#now", "java.time.OffsetDateTime#now", "java.time.OffsetTime#now",
            "java.time.ZonedDateTime#now", "java.time.Year#now", "java.time.YearMonth#now",
            "java.time.MonthDay#now");

    private static List<ClassReferences> mainClasses;

    @BeforeAll
    static void readMainClasses() throws IOException {
        Path root = mainClassesDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            mainClasses = files.filter(f -> f.toString().endsWith(".class"))
                    .filter(f -> !f.getFileName().toString().equals("module-info.class"))
                    .sorted()
                    .map(ArchitectureTest::read)
                    .toList();
        }
    }

    @Test
    void readsTheCompiledMainClasses() {
        assertTrue(mainClasses.size() > 200, "read only " + mainClasses.size() + " main classes");
        ClassReferences ticker = find("io.pgmcp.resilience.Ticker");
        assertTrue(ticker.methods().contains("java.lang.System#nanoTime"), ticker.methods().toString());
        ClassReferences main = find("io.pgmcp.app.Main");
        assertTrue(main.types().contains("io.pgmcp.config.PgMcpConfig"), main.types().toString());
    }

    @Test
    void packagesReferOnlyToPackagesBelowThemAndTimeIsInjected() {
        Set<String> found = violations();
        assertEquals(Set.of(), found, """
                the rules: a package refers only to packages below it (%s); java.sql, javax.sql and \
                org.postgresql only in %s; no Jackson in %s; clock reads (%s) only in %s\
                """.formatted(String.join(" > ", LAYERS), JDBC_PACKAGES, NO_JACKSON, "System#nanoTime, Instant#now ...",
                CLOCK_READERS));
    }

    @Test
    void eachRuleCatchesItsViolation() {
        assertEquals(List.of("io.pgmcp.config.X -> io.pgmcp.app.Main (config may not refer to app)"),
                violationsOf(refs("io.pgmcp.config.X", Set.of("io.pgmcp.app.Main", "io.pgmcp.config.Y"), Set.of())));
        assertEquals(List.of("io.pgmcp.tools.X -> io.pgmcp.extra.Y (extra is not a known package)"),
                violationsOf(refs("io.pgmcp.tools.X", Set.of("io.pgmcp.extra.Y", "io.pgmcp.query.Z"), Set.of())));
        assertEquals(List.of("io.pgmcp.Top -> io.pgmcp.Top (the root package is not a known package)"),
                violationsOf(refs("io.pgmcp.Top", Set.of(), Set.of())));
        assertEquals(List.of("io.pgmcp.query.X -> com.fasterxml.jackson.databind.JsonNode (no Jackson in query)",
                "io.pgmcp.query.X -> java.sql.Connection (JDBC only in [db])"),
                violationsOf(refs("io.pgmcp.query.X",
                        Set.of("java.sql.Connection", "com.fasterxml.jackson.databind.JsonNode"), Set.of())));
        assertEquals(List.of("io.pgmcp.db.X$1 -> java.time.Instant#now (clock read outside [app, resilience])"),
                violationsOf(refs("io.pgmcp.db.X$1", Set.of("java.time.Instant"), Set.of("java.time.Instant#now"))));
        assertEquals(List.of(), violationsOf(refs("io.pgmcp.db.X",
                Set.of("java.sql.Connection", "org.postgresql.PGConnection", "io.pgmcp.config.Y"), Set.of())));
        assertEquals(List.of("io.pgmcp.db.X -> com.fasterxml.jackson.databind.JsonNode (no Jackson in db)"),
                violationsOf(refs("io.pgmcp.db.X",
                        Set.of("com.fasterxml.jackson.core.JsonParser", "com.fasterxml.jackson.databind.JsonNode"),
                        Set.of())));
        assertEquals(List.of("io.pgmcp.sql.X -> com.fasterxml.jackson.core.JsonParser (no Jackson in sql)"),
                violationsOf(refs("io.pgmcp.sql.X", Set.of("com.fasterxml.jackson.core.JsonParser"), Set.of())));
    }

    private static ClassReferences refs(String name, Set<String> types, Set<String> methods) {
        return new ClassReferences(name, types, methods);
    }

    private static Set<String> violations() {
        Set<String> all = new TreeSet<>();
        mainClasses.forEach(c -> violationsOf(c).forEach(v -> all.add(v.substring(0, v.indexOf(" (")))));
        return all;
    }

    /** Each violation as {@code class -> reference (rule)}; the part before the rule is what the known set holds. */
    static List<String> violationsOf(ClassReferences c) {
        List<String> found = new ArrayList<>();
        String name = c.className();
        Optional<String> own = pgMcpPackage(name);
        if (own.isEmpty() || !LAYERS.contains(own.get())) {
            found.add(name + " -> " + name + " (" + own.map(p -> p + " is").orElse("the root package is")
                    + " not a known package)");
            return found;
        }
        String pkg = own.get();
        for (String type : new TreeSet<>(c.types())) {
            Optional<String> target = pgMcpPackage(type);
            if (target.isPresent() && !target.get().equals(pkg)) {
                int at = LAYERS.indexOf(target.get());
                if (at < 0) {
                    found.add(name + " -> " + type + " (" + target.get() + " is not a known package)");
                } else if (at < LAYERS.indexOf(pkg)) {
                    found.add(name + " -> " + type + " (" + pkg + " may not refer to " + target.get() + ")");
                }
            }
            if (!JDBC_PACKAGES.contains(pkg) && (type.startsWith("java.sql.") || type.startsWith("javax.sql.")
                    || type.startsWith("org.postgresql."))) {
                found.add(name + " -> " + type + " (JDBC only in " + JDBC_PACKAGES + ")");
            }
            if (NO_JACKSON.contains(pkg) && type.startsWith("com.fasterxml.jackson.")
                    && !(JSON_STREAM_READERS.contains(pkg) && type.startsWith("com.fasterxml.jackson.core."))) {
                found.add(name + " -> " + type + " (no Jackson in " + pkg + ")");
            }
        }
        if (!CLOCK_READERS.contains(pkg)) {
            new TreeSet<>(c.methods()).stream().filter(CLOCK_READS::contains).forEach(m -> found.add(
                    name + " -> " + m + " (clock read outside " + CLOCK_READERS + ")"));
        }
        return found;
    }

    /** {@code db} for {@code io.pgmcp.db.Pool$Slot}; empty for a class outside {@code io.pgmcp} or in its root. */
    private static Optional<String> pgMcpPackage(String className) {
        if (!className.startsWith("io.pgmcp.")) {
            return Optional.empty();
        }
        String rest = className.substring("io.pgmcp.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? Optional.empty() : Optional.of(rest.substring(0, dot));
    }

    private static ClassReferences find(String className) {
        return mainClasses.stream().filter(c -> c.className().equals(className)).findFirst()
                .orElseThrow(() -> new AssertionError(className + " not among the main classes read"));
    }

    /** {@code target/classes}, next to the {@code target/test-classes} this test was loaded from. */
    private static Path mainClassesDirectory() {
        try {
            Path testClasses = Path
                    .of(ArchitectureTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path main = testClasses.resolveSibling("classes");
            assertTrue(Files.isDirectory(main.resolve("io/pgmcp")), "no compiled main classes in " + main
                    + " (the tests were loaded from " + testClasses + ")");
            return main;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the test classes' location is not a path", e);
        }
    }

    private static ClassReferences read(Path classFile) {
        try {
            return ClassReferences.read(Files.readAllBytes(classFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + classFile, e);
        }
    }
}
