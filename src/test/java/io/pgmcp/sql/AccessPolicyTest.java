package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.FunctionAccessConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.EnumType;
import io.pgmcp.catalog.IndexInfo;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The catalog as the access policy lets clients see it (resources, prompts and error hints are built
 * from it): nothing denied may show, not even as the target of a foreign key or an index.
 */
class AccessPolicyTest {
    private static final AccessPolicy POLICY = new AccessPolicy(new AccessPolicyConfig(List.of("public"),
            new TableAccessConfig(List.of(), List.of("salaries")),
            new ColumnAccessConfig(List.of("users.ssn"), List.of("*.pin?"), OnDenied.REJECT, SelectStarPolicy.REJECT),
            AccessPolicyConfig.defaults().explainPolicy(), new FunctionAccessConfig(List.of())));

    private static final Catalog CATALOG = new Catalog("main", Instant.EPOCH, List.of("internal", "public"), List.of(
            table("public", "users",
                    List.of(column("id"), column("ssn"), column("Nick Name"), column("pin1"), column("pin12")),
                    List.of(new IndexInfo("users_ssn_key", List.of("ssn"), "btree", true, false),
                            new IndexInfo("users_nick_idx", List.of("\"Nick Name\""), "btree", false, false),
                            new IndexInfo("users_pkey", List.of("id"), "btree", true, true))),
            table("public", "orders",
                    List.of(column("id"), fk("user_id", "public.users.id"), fk("user_ssn", "public.users.ssn"),
                            fk("salary_id", "public.salaries.id"), fk("note_id", "internal.notes.id")),
                    List.of()),
            table("public", "salaries", List.of(column("id")), List.of()),
            table("internal", "notes", List.of(column("id")), List.of())),
            List.of(new EnumType("public", "mood", List.of("ok")),
                    new EnumType("internal", "level", List.of("secret"))),
            Set.of("pg_class"));

    private static ColumnInfo column(String name) {
        return new ColumnInfo(name, "text", "text", true, Optional.empty(), false, false, Optional.empty(), List.of(),
                Optional.empty());
    }

    private static ColumnInfo fk(String name, String target) {
        return new ColumnInfo(name, "int4", "integer", true, Optional.empty(), false, false, Optional.of(target),
                List.of(),
                Optional.empty());
    }

    private static TableInfo table(String schema, String name, List<ColumnInfo> columns, List<IndexInfo> indexes) {
        return new TableInfo(schema, name, RelationKind.TABLE, Optional.empty(), 10, columns, indexes);
    }

    private static List<String> names(List<?> items) {
        return items.stream().map(i -> i instanceof ColumnInfo c ? c.name() : ((IndexInfo) i).name()).toList();
    }

    @Test
    void hidesDeniedSchemasTablesColumnsAndEnums() {
        Catalog visible = POLICY.visible(CATALOG);
        assertEquals(List.of("public"), visible.schemas());
        assertEquals(List.of("public.orders", "public.users"),
                visible.relations().stream().map(t -> t.schema() + "." + t.name()).toList());
        assertEquals(List.of("id", "Nick Name", "pin12"),
                names(visible.table("public", "users").orElseThrow().columns()));
        assertEquals(List.of("mood"), visible.enums().stream().map(EnumType::name).toList());
    }

    @Test
    void deniedPatternQuestionMarkStandsForExactlyOneCharacter() {
        assertFalse(POLICY.columnAllowed("public", "users", "pin1"));
        assertFalse(POLICY.columnAllowed("public", "users", "PINX"));
        assertTrue(POLICY.columnAllowed("public", "users", "pin"));
        assertTrue(POLICY.columnAllowed("public", "users", "pin12"));
    }

    @Test
    void foreignKeysToHiddenTablesOrColumnsAreDroppedButTheColumnsStay() {
        List<ColumnInfo> columns = POLICY.visible(CATALOG).table("public", "orders").orElseThrow().columns();
        assertEquals(List.of("id", "user_id", "user_ssn", "salary_id", "note_id"), names(columns));
        assertEquals(Optional.of("public.users.id"), columns.get(1).foreignKey());
        assertEquals(Optional.empty(), columns.get(2).foreignKey(), "users.ssn is denied");
        assertEquals(Optional.empty(), columns.get(3).foreignKey(), "salaries is a denied table");
        assertEquals(Optional.empty(), columns.get(4).foreignKey(), "internal is not an allowed schema");
        assertEquals("integer", columns.get(2).typeName());
    }

    @Test
    void indexesOverHiddenColumnsAreDroppedAndQuotedColumnNamesAreMatchedUnquoted() {
        List<IndexInfo> indexes = POLICY.visible(CATALOG).table("public", "users").orElseThrow().indexes();
        assertEquals(List.of("users_nick_idx", "users_pkey"), names(indexes));
    }

    @Test
    void theVisibleViewIsComputedOncePerCatalog() {
        Catalog first = POLICY.visible(CATALOG);
        assertSame(first, POLICY.visible(CATALOG));
        Catalog reloaded = new Catalog("main", Instant.EPOCH.plusSeconds(1), CATALOG.schemas(), CATALOG.relations(),
                CATALOG.enums(),
                Set.of("pg_class"));
        assertEquals(Instant.EPOCH.plusSeconds(1), POLICY.visible(reloaded).loadedAt());
    }

    @Test
    void tableDenyListMatchesBareAndQualifiedNamesIgnoringCase() {
        AccessPolicy policy = new AccessPolicy(new AccessPolicyConfig(List.of("public", "hr"),
                new TableAccessConfig(List.of(), List.of("Salaries", "HR.people")), ColumnAccessConfig.defaults(),
                AccessPolicyConfig.defaults().explainPolicy(), new FunctionAccessConfig(List.of())));
        assertFalse(policy.tableAllowed("public", "salaries"));
        assertFalse(policy.tableAllowed("hr", "people"));
        assertTrue(policy.tableAllowed("public", "people"));
        assertFalse(policy.tableAllowed("sales", "orders"), "schema not allowed");
    }
}
