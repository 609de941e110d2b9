package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.db.DirectConnection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RoleCheckTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE items (id int PRIMARY KEY, name text)");

    @Test
    void aSuperuserThatOwnsTheTablesIsWarnedAbout() throws Exception {
        try (DirectConnection connection = DirectConnection.open(() -> db.get().connect())) {
            List<String> warnings = RoleCheck.warnings(connection, List.of("public"));
            assertTrue(warnings.stream().anyMatch(w -> w.contains("SUPERUSER")), warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("owns 1 relation")), warnings.toString());
        }
    }

    @Test
    void aLeastPrivilegeRoleHasNothingToWarnAbout() throws Exception {
        db.get().createRole("rolechecktest_reader", "pw", "GRANT USAGE ON SCHEMA public TO rolechecktest_reader",
                "GRANT SELECT ON items TO rolechecktest_reader", "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        try (DirectConnection connection = DirectConnection
                .open(() -> db.get().connect("rolechecktest_reader", "pw"))) {
            assertEquals(List.of(), RoleCheck.warnings(connection, List.of("public")));
        }
    }

    @Test
    void writePrivilegesAndServerFileRolesAreWarnedAbout() throws Exception {
        db.get().createRole("rolechecktest_writer", "pw",
                "GRANT USAGE, CREATE ON SCHEMA public TO rolechecktest_writer",
                "GRANT SELECT, INSERT ON items TO rolechecktest_writer",
                "GRANT pg_read_server_files TO rolechecktest_writer");
        try (DirectConnection connection = DirectConnection
                .open(() -> db.get().connect("rolechecktest_writer", "pw"))) {
            List<String> warnings = RoleCheck.warnings(connection, List.of("public"));
            assertTrue(warnings.contains("the role can write to: public.items"), warnings.toString());
            assertTrue(warnings.contains("the role can CREATE in schema(s): public"), warnings.toString());
            assertTrue(warnings.contains("the role is a member of pg_read_server_files"), warnings.toString());
        }
    }
}
