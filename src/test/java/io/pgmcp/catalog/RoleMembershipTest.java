package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmcp.db.DirectConnection;
import io.pgmcp.testing.PostgresDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which configured roles a login role cannot assume: missing ones and those it is not a member of. */
class RoleMembershipTest {
    private static final String LOGIN = "rolemembership_login";

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            DO $$
            DECLARE r text;
            BEGIN
              FOREACH r IN ARRAY ARRAY['rolemembership_member', 'rolemembership_nested', 'rolemembership_other',
                                       'RoleMembership "Quoted"'] LOOP
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
                  EXECUTE format('CREATE ROLE %I NOLOGIN', r);
                END IF;
              END LOOP;
            END $$;
            GRANT rolemembership_nested TO rolemembership_member;
            """);

    @BeforeAll
    static void login() throws Exception {
        db.get().createRole(LOGIN, "pw", "GRANT rolemembership_member, \"RoleMembership \"\"Quoted\"\"\" TO " + LOGIN);
    }

    @Test
    void rolesTheLoginRoleCannotSetAreNamedInTheOrderGiven() throws Exception {
        List<String> configured = List.of("rolemembership_other", "rolemembership_member", "RoleMembership \"Quoted\"",
                "rolemembership_missing", "rolemembership_nested", "ROLEMEMBERSHIP_MEMBER");
        try (DirectConnection connection = DirectConnection.open(() -> db.get().connect(LOGIN, "pw"))) {
            assertEquals(List.of("rolemembership_other", "rolemembership_missing", "ROLEMEMBERSHIP_MEMBER"),
                    RoleCheck.unassumableRoles(connection, configured));
            assertEquals(List.of(), RoleCheck.unassumableRoles(connection, List.of()));
        }
    }

    @Test
    void aSuperuserCanAssumeEveryRoleThatExists() throws Exception {
        try (DirectConnection connection = DirectConnection.open(() -> db.get().connect())) {
            assertEquals(List.of("rolemembership_missing"), RoleCheck.unassumableRoles(connection,
                    List.of("rolemembership_other", "rolemembership_missing")));
        }
    }
}
