package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code principals} section: how entries bind, and every way one is refused, with its key path. */
class PrincipalsConfigTest {
    /** The http transport with tokens named ops, t and a, and OAuth: every kind of match can be recognised. */
    private static final String SERVER = "server: {transport: http, http: {auth_tokens: [{name: ops, token:"
            + " ops-token-0123456789}, {name: t, token: t-token-0123456789ab}, {name: a, token: a-token-0123456789ab}],"
            + " oauth: {resource: \"https://pg-mcp.test/mcp\", authorization_servers: [{issuer:"
            + " \"https://idp.test/realms/x\"}]}}}";

    private static final String DATABASES = """
            server: {transport: http, http: {auth_tokens: [{name: ops, token: ops-token-0123456789}, {name: t, token: t-token-0123456789ab}, {name: a, token: a-token-0123456789ab}], oauth: {resource: "https://pg-mcp.test/mcp", authorization_servers: [{issuer: "https://idp.test/realms/x"}]}}}
            databases:
              - name: shop
                host: db.example
                dbname: shop
                access_policy:
                  allowed_schemas: [public, sales]
                  tables: {allowed: [orders, public.items, "Stock", sales.invoices], denied: [payroll]}
                  columns: {denied: [orders.card], on_denied: filter, select_star_policy: expand_safe}
                  explain_policy: {max_estimated_rows: 5000}
              - name: crm
                host: db.example
                dbname: crm
            """;

    @TempDir
    Path dir;

    private ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private List<String> errors(String principals) {
        return fixture.errors(DATABASES + principals);
    }

    @Test
    void anOverlayNarrowsTheDatabasesPolicyAndKeepsWhatItCannotSet() throws ConfigException {
        PgMcpConfig config = fixture.load(DATABASES + """
                principals:
                  - name: analysts
                    match: {claim: groups, value: analysts}
                    databases:
                      - name: shop
                        role: "Analyst Role"
                        access_policy:
                          allowed_schemas: [public]
                          tables: {allowed: [public.orders, Public.Items], denied: [secret_things]}
                          columns: {denied: [orders.note], denied_patterns: ["*.ssn"]}
                      - name: crm
                  - name: ops.bot-1
                    match: {token: ops}
                    databases: [{name: crm, role: ops}]
                """).config();

        assertEquals(2, config.principals().size());
        PrincipalConfig analysts = config.principals().getFirst();
        assertEquals(new PrincipalMatch.Claim("groups", "analysts"), analysts.match());
        PrincipalDatabase shop = analysts.database("shop").orElseThrow();
        assertEquals(Optional.of("Analyst Role"), shop.role());
        AccessPolicyConfig db = config.databases().getFirst().accessPolicy();
        AccessPolicyConfig effective = shop.accessPolicy();
        assertEquals(List.of("public"), effective.allowedSchemas());
        assertEquals(List.of("public.orders", "Public.Items"), effective.tables().allowed());
        assertEquals(List.of("payroll", "secret_things"), effective.tables().denied());
        assertEquals(List.of("orders.card", "orders.note"), effective.columns().denied());
        assertEquals(List.of("*.ssn"), effective.columns().deniedPatterns());
        assertEquals(OnDenied.FILTER, effective.columns().onDenied(), "the database's on_denied");
        assertEquals(SelectStarPolicy.EXPAND_SAFE, effective.columns().selectStarPolicy());
        assertEquals(db.explainPolicy(), effective.explainPolicy());
        assertEquals(db.functions(), effective.functions());

        PrincipalDatabase crm = analysts.database("crm").orElseThrow();
        assertEquals(Optional.empty(), crm.role());
        assertEquals(config.databases().get(1).accessPolicy(), crm.accessPolicy(), "no overlay: the database's");
        assertEquals(new PrincipalMatch.Token("ops"), config.principals().get(1).match());
    }

    @Test
    void theFirstMatchingEntryInFileOrderWins() throws ConfigException {
        PgMcpConfig config = fixture.load(DATABASES + """
                principals:
                  - {name: alice, match: {subject: alice}, databases: [{name: crm}]}
                  - {name: admins, match: {claim: groups, value: admins}, databases: [{name: shop}]}
                  - {name: everyone, match: {claim: aud, value: pg-mcp}, databases: [{name: crm}]}
                """).config();
        Map<String, List<String>> adminClaims = Map.of("groups", List.of("staff", "admins"), "aud", List.of("pg-mcp"));

        assertEquals("admins", PrincipalConfig.firstMatch(config.principals(),
                m -> m.matches(Optional.empty(), Optional.of("bob"), adminClaims)).orElseThrow().name());
        assertEquals("alice", PrincipalConfig.firstMatch(config.principals(),
                m -> m.matches(Optional.empty(), Optional.of("alice"), adminClaims)).orElseThrow().name());
        assertEquals("everyone", PrincipalConfig.firstMatch(config.principals(),
                m -> m.matches(Optional.empty(), Optional.of("carol"), Map.of("aud", List.of("pg-mcp"))))
                .orElseThrow().name());
        assertTrue(PrincipalConfig.firstMatch(config.principals(),
                m -> m.matches(Optional.of("alice"), Optional.empty(), Map.of())).isEmpty(),
                "a token named like a subject is not that subject");
    }

    @Test
    void anEntryNoCallerCouldMatchIsAnError() {
        String tokensOnly = "server: {transport: http, http: {auth_tokens: [{name: ops, token: ops-token-0123456789}]}}";
        String principals = """
                principals:
                  - {name: a, match: {token: opps}, databases: [{name: crm}]}
                  - {name: b, match: {subject: alice}, databases: [{name: crm}]}
                  - {name: c, match: {claim: groups, value: x}, databases: [{name: crm}]}
                """;
        String text = String.join("\n", fixture.errors(DATABASES.replace(SERVER, tokensOnly) + principals));
        assertTrue(text.contains("principals[0].match.token: 'opps' is not the name of a token in"
                + " server.http.auth_tokens"), text);
        assertTrue(text.contains("principals[1].match.subject: matches OAuth callers, but server.http.oauth is not"
                + " configured"), text);
        assertTrue(text.contains("principals[2].match.claim"), text);
        String open = String.join("\n", fixture.errors(DATABASES.replace(SERVER, "server: {transport: http}")
                + principals));
        assertTrue(open.contains("principals: callers are recognised by their credentials; configure"
                + " server.http.auth_tokens or server.http.oauth"), open);
    }

    @Test
    void perPrincipalMetricsAreOffUnlessAskedFor() throws Exception {
        String principals = """
                principals:
                  - {name: a, match: {token: t}, databases: [{name: crm}]}
                """;
        assertFalse(fixture.load(DATABASES + principals).config().observability().metrics().principalLabel());
        assertTrue(fixture.load(DATABASES + principals + "observability: {metrics: {principal_label: true}}\n")
                .config().observability().metrics().principalLabel());
        assertEquals(1, fixture.errors(DATABASES + principals + "observability: {metrics: {principal_label: maybe}}\n")
                .size());
    }

    @Test
    void principalsNeedTheHttpTransport() {
        List<String> errors = fixture.errors(DATABASES.replace(SERVER + "\n", "") + """
                principals:
                  - {name: a, match: {token: t}, databases: [{name: crm}]}
                """);
        assertEquals(List.of("principals: can only be used with server.transport http; over stdio the one caller is"
                + " whoever started pg-mcp"), errors);
    }

    @Test
    void switchingToStdioWithPrincipalsIsRefused() throws ConfigException {
        PgMcpConfig config = fixture.load(DATABASES + """
                principals:
                  - {name: a, match: {token: t}, databases: [{name: crm}]}
                """).config();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.withServer(config.server().withTransport(Transport.STDIO)));
        assertTrue(e.getMessage().startsWith("principals: can only be used with server.transport http"),
                e.getMessage());
    }

    @Test
    void aWideningTableEntryIsNamedByItsKeyPath() {
        assertEquals(List.of(
                "principals[0].databases[1].access_policy.tables.allowed[2]: 'customers' is not allowed by database"
                        + " 'shop'"
                        + " (an unqualified entry needs the database to allow the table unqualified too)",
                "principals[0].databases[1].access_policy.tables.allowed[3]: 'items' is not allowed by database 'shop'"
                        + " (an unqualified entry needs the database to allow the table unqualified too)",
                "principals[0].databases[1].access_policy.tables.allowed[5]: 'hr.people' is in a schema not allowed"
                        + " by database 'shop'",
                "principals[0].databases[1].access_policy.tables.allowed[6]: 'public.payroll' is not allowed by"
                        + " database 'shop'",
                "principals[0].databases[1].access_policy.tables.allowed[7]: '\"Stock\"' is not allowed by database"
                        + " 'shop' (an unqualified entry needs the database to allow the table unqualified too)"),
                errors("""
                        principals:
                          - name: analysts
                            match: {claim: groups, value: analysts}
                            databases:
                              - name: crm
                              - name: shop
                                access_policy:
                                  tables: {allowed: [orders, sales.orders, customers, items, stock, hr.people, public.payroll, '"Stock"']}
                        """));
    }

    @Test
    void aTableTheDatabaseDeniesCannotBeAllowed() {
        assertEquals(List.of("principals[0].databases[0].access_policy.tables.allowed[0]: 'public.secrets' is denied"
                + " by database 'crm'",
                "principals[0].databases[0].access_policy.tables.allowed[1]: 'secrets' is denied by database 'crm'"
                        + " (as 'secrets')",
                "principals[0].databases[0].access_policy.tables.allowed[2]: 'Audit' is denied by database 'crm'"
                        + " (as 'public.audit')"),
                fixture.errors(
                        """
                                server: {transport: http, http: {auth_tokens: [{name: ops, token: ops-token-0123456789}, {name: t, token: t-token-0123456789ab}, {name: a, token: a-token-0123456789ab}], oauth: {resource: "https://pg-mcp.test/mcp", authorization_servers: [{issuer: "https://idp.test/realms/x"}]}}}
                                databases:
                                  - name: crm
                                    host: db.example
                                    dbname: crm
                                    access_policy: {tables: {denied: [Secrets, public.audit]}}
                                principals:
                                  - name: p
                                    match: {subject: s}
                                    databases:
                                      - name: crm
                                        access_policy: {tables: {allowed: [public.secrets, secrets, Audit, other]}}
                                """));
    }

    @Test
    void schemasMustBeAllowedByTheDatabase() {
        assertEquals(List.of("principals[0].databases[0].access_policy.allowed_schemas[1]: 'hr' is not allowed by"
                + " database 'shop' (its allowed_schemas: [public, sales])",
                "principals[0].databases[0].access_policy.allowed_schemas[2]: '\"Sales\"' is not allowed by database"
                        + " 'shop' (its allowed_schemas: [public, sales])"),
                errors("""
                        principals:
                          - name: p
                            match: {subject: s}
                            databases:
                              - name: shop
                                access_policy: {allowed_schemas: [SALES, hr, '"Sales"']}
                        """));
    }

    @Test
    void emptyListsThatWouldMeanEverythingAreRefused() {
        assertEquals(List.of(
                "principals[0].databases[0].access_policy.allowed_schemas: must list at least one schema (leave it"
                        + " out to keep the database's)",
                "principals[0].databases[0].access_policy.tables.allowed: must list at least one table (an empty list"
                        + " would allow every table; leave it out to keep the database's list)"),
                errors("""
                        principals:
                          - name: p
                            match: {subject: s}
                            databases:
                              - name: shop
                                access_policy: {allowed_schemas: [], tables: {allowed: []}}
                        """));
    }

    @Test
    void denyingEveryAllowedTableIsRefusedRatherThanLeavingNoAllowList() throws ConfigException {
        String yaml = """
                server: {transport: http, http: {auth_tokens: [{name: ops, token: ops-token-0123456789}, {name: t, token: t-token-0123456789ab}, {name: a, token: a-token-0123456789ab}], oauth: {resource: "https://pg-mcp.test/mcp", authorization_servers: [{issuer: "https://idp.test/realms/x"}]}}}
                databases:
                  - name: crm
                    host: db.example
                    dbname: crm
                    access_policy: {tables: {allowed: [orders, items]}}
                principals:
                  - name: p
                    match: {subject: s}
                    databases:
                      - name: crm
                        access_policy: {tables: {denied: [%s]}}
                """;
        assertEquals(List.of("principals[0].databases[0].access_policy.tables.denied: denies every table on the allow"
                + " list of database 'crm' [orders, items]; give the principal no access to the database instead"),
                fixture.errors(yaml.formatted("ORDERS, items")));
        TableAccessConfig narrowed = fixture.load(yaml.formatted("items")).config().principals().getFirst()
                .databases().getFirst().accessPolicy().tables();
        assertEquals(List.of("orders"), narrowed.allowed());
        assertEquals(List.of("items"), narrowed.denied());
    }

    @Test
    void whatOnlyTheDatabaseDecidesCannotBeSetForAPrincipal() {
        assertEquals(List.of(
                "principals[0].databases[0].access_policy.explain_policy: cannot be set for a principal: the"
                        + " database's explain_policy applies",
                "principals[0].databases[0].access_policy.functions: cannot be set for a principal: the database's"
                        + " functions applies",
                "principals[0].databases[0].access_policy.columns.on_denied: cannot be set for a principal: the"
                        + " database's columns.on_denied applies",
                "principals[0].databases[0].access_policy.columns.select_star_policy: cannot be set for a principal:"
                        + " the database's columns.select_star_policy applies",
                "principals[0].databases[0].access_policy.tables.allowd: unknown key (did you mean 'allowed'?)"),
                errors("""
                        principals:
                          - name: p
                            match: {subject: s}
                            databases:
                              - name: shop
                                access_policy:
                                  explain_policy: {enabled: false}
                                  functions: {allowed: [my_fn]}
                                  columns: {on_denied: filter, select_star_policy: expand_safe}
                                  tables: {allowd: [orders]}
                        """));
    }

    @Test
    void entriesAreCheckedWithTheirPaths() {
        List<String> errors = errors("""
                principals:
                  - name: "has space"
                    match: {token: a, subject: b}
                    databases: [{name: nowhere}]
                  - name: dup
                    match: {claim: groups}
                    databases: []
                  - name: dup
                    match: {value: x}
                    databases: [{name: crm, role: none}, {name: crm}, {role: x}]
                  - name: nomatch
                    databases: [{name: crm, role: "  padded"}]
                """);
        assertEquals(List.of(
                "principals[0].name: \"has space\" must be 1-64 letters, digits, '.', '_' or '-'",
                "principals[0].match: needs exactly one of {token: NAME}, {subject: VALUE}, {claim: NAME, value: VALUE};"
                        + " got 2",
                "principals[0].databases[0].name: \"nowhere\" is not a configured database [shop, crm]",
                "principals[1].match.value: required with claim: the value the claim must hold",
                "principals[1].databases: at least one database is required",
                "principals[2].match: needs exactly one of {token: NAME}, {subject: VALUE}, {claim: NAME, value: VALUE};"
                        + " got 0",
                "principals[2].databases[0].role: \"none\" is reserved by PostgreSQL (SET ROLE none would not switch"
                        + " to a role of that name)",
                "principals[2].databases[2].name: required: one of the configured databases [shop, crm]",
                "principals[3].match: required: one of {token: NAME}, {subject: VALUE}, {claim: NAME, value: VALUE}",
                "principals[3].databases[0].role: \"  padded\" must not be empty or start or end with a space",
                "principals[2].name: duplicate principal name 'dup' (also principals[1])"), errors);
    }

    @Test
    void aDatabaseListedTwiceForOnePrincipalIsRefused() {
        assertEquals(List.of("principals[0].databases[1].name: database 'crm' is listed twice (also databases[0])"),
                errors("""
                        principals:
                          - {name: p, match: {subject: s}, databases: [{name: crm}, {name: crm, role: r}]}
                        """));
    }

    @Test
    void aRoleOfMoreThan63BytesIsRefused() {
        String role = "é".repeat(32);
        List<String> errors = errors("""
                principals:
                  - {name: p, match: {subject: s}, databases: [{name: crm, role: "%s"}]}
                """.formatted(role));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().endsWith("is 64 bytes long; PostgreSQL role names have at most 63"),
                errors.toString());
    }

    @Test
    void withoutPrincipalsTheConfigHasNone() throws ConfigException {
        assertFalse(fixture.load(ConfigFixture.MINIMAL_DATABASE).config().principals().iterator().hasNext());
    }
}
