package io.pgmcp.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class a database of its own on {@link TestPostgres#shared()}:
 * created before all its tests (setup scripts first, then inline SQL, in the order given) and
 * dropped after them. Register it in a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresDatabase db = PostgresDatabase.withScripts(GuardCorpus.SCHEMA);
 *
 * @Test void readsUsers() throws SQLException {
 *     try (Connection c = db.get().connect()) { ... }
 * }
 * }</pre>
 *
 * {@code @Nested} classes share their enclosing class's database.
 */
public final class PostgresDatabase implements BeforeAllCallback, AfterAllCallback {

    private final List<String> scriptLocations;
    private final List<String> inlineSql;
    private volatile TestDatabase database;
    private volatile Class<?> owner;

    private PostgresDatabase(List<String> scriptLocations, List<String> inlineSql) {
        this.scriptLocations = List.copyOf(scriptLocations);
        this.inlineSql = List.copyOf(inlineSql);
    }

    /** Scripts by classpath resource or file path (see {@link SetupScript#load}). */
    public static PostgresDatabase withScripts(String... locations) {
        return new PostgresDatabase(List.of(locations), List.of());
    }

    /** SQL given inline; none gives an empty database. */
    public static PostgresDatabase withSql(String... sql) {
        return new PostgresDatabase(List.of(), List.of(sql));
    }

    /** This extension with {@code sql} run after its scripts. */
    public PostgresDatabase andSql(String... sql) {
        List<String> all = new ArrayList<>(inlineSql);
        all.addAll(List.of(sql));
        return new PostgresDatabase(scriptLocations, all);
    }

    /**
     * The class's database.
     *
     * @throws IllegalStateException outside the class's lifetime, or if the extension was not
     *     registered in a static field
     */
    public TestDatabase get() {
        TestDatabase current = database;
        if (current == null) {
            throw new IllegalStateException("No test database: register PostgresDatabase in a static "
                    + "@RegisterExtension field and call get() from within the class's tests");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (database != null) {
            return; // a @Nested class inside the class that owns the database
        }
        List<SetupScript> scripts = new ArrayList<>();
        scriptLocations.forEach(location -> scripts.add(SetupScript.load(location)));
        inlineSql.forEach(sql -> scripts.add(SetupScript.inline(sql)));
        Class<?> testClass = context.getRequiredTestClass();
        database = TestPostgres.shared().createDatabase(testClass.getSimpleName(), scripts);
        owner = testClass;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        TestDatabase current = database;
        database = null;
        owner = null;
        if (current != null) {
            current.drop();
        }
    }
}
