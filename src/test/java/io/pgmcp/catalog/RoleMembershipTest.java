package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmcp.db.DirectConnection;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.SetupScript;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.PgMcpConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Which configured roles a login role cannot assume: missing ones and those it is not a member of. */
class RoleMembershipTest {
    private static final String LOGIN = "rolemembership_login";

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(SetupScript.rolesIfMissing("rolemembership_member",
            "rolemembership_nested", "rolemembership_other", "RoleMembership \"Quoted\"") + """
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
    void theConnectionCheckReportsEachPrincipalRoleTheLoginRoleCannotAssume(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"),
                """
                        server: {transport: http, http: {oauth: {resource: "https://pg-mcp.test/mcp", authorization_servers: [{issuer: "https://idp.test"}]}}}
                        databases:
                          - name: shop
                            url: "%s"
                        principals:
                          - {name: ok, match: {subject: a}, databases: [{name: shop, role: rolemembership_member}]}
                          - {name: bad, match: {subject: b}, databases: [{name: shop, role: rolemembership_other}]}
                          - {name: none, match: {subject: c}, databases: [{name: shop}]}
                        """
                        .formatted(db.get().postgresUrl(LOGIN, "pw")));
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();

        ConnectionProbe.Report report = ConnectionProbe.check(config, (database, catalog, access) -> List.of(),
                Clock.systemUTC());

        assertEquals(List.of("principals[1].databases[0].role: the login role of database 'shop' cannot assume role"
                + " \"rolemembership_other\" (no such role, or not a member with the right to SET it); calls of this"
                + " principal there would fail. Create it and grant it: GRANT \"rolemembership_other\" TO \""
                + LOGIN + "\";"), report.errors());
    }

    @Test
    void aSuperuserCanAssumeEveryRoleThatExists() throws Exception {
        try (DirectConnection connection = DirectConnection.open(() -> db.get().connect())) {
            assertEquals(List.of("rolemembership_missing"), RoleCheck.unassumableRoles(connection,
                    List.of("rolemembership_other", "rolemembership_missing")));
        }
    }
}
