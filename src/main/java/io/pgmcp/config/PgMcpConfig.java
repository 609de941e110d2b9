package io.pgmcp.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The whole, validated configuration. Immutable; every section is a record with its own invariants. */
public record PgMcpConfig(List<DatabaseConfig> databases, OpenAiConfig openai, ServerConfig server,
        RateLimitConfig rateLimit, ObservabilityConfig observability, RetrySettings retry, AuditConfig audit,
        List<PrincipalConfig> principals) {

    public PgMcpConfig {
        databases = List.copyOf(databases);
        principals = List.copyOf(principals);
        Objects.requireNonNull(openai, "openai");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(observability, "observability");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(audit, "audit");
        List<String> problems = conflicts(databases.stream().map(DatabaseConfig::name).toList(), server.transport(),
                audit);
        problems.addAll(
                principalConflicts(principals.stream().map(PrincipalConfig::name).toList(), server.transport()));
        problems.addAll(unknownDatabases(principals, databases));
        problems.addAll(unrecognisable(principals, server));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /** Without principals: every caller sees every database with its own policy, as the login role. */
    public PgMcpConfig(List<DatabaseConfig> databases, OpenAiConfig openai, ServerConfig server,
            RateLimitConfig rateLimit, ObservabilityConfig observability, RetrySettings retry, AuditConfig audit) {
        this(databases, openai, server, rateLimit, observability, retry, audit, List.of());
    }

    /** The given databases with every other section at its defaults. */
    public static PgMcpConfig of(List<DatabaseConfig> databases) {
        return new PgMcpConfig(databases, OpenAiConfig.defaults(), ServerConfig.defaults(), RateLimitConfig.defaults(),
                ObservabilityConfig.defaults(), RetrySettings.defaults(), AuditConfig.defaults());
    }

    /** This config with another server section, e.g. after {@code --transport}; re-checks the cross-section rules. */
    public PgMcpConfig withServer(ServerConfig newServer) {
        return new PgMcpConfig(databases, openai, newServer, rateLimit, observability, retry, audit, principals);
    }

    /**
     * Rules that span sections, each message starting with the key path it is about: at least one
     * database, unique database names (a null name is skipped), and no audit on stdout while stdout carries the protocol.
     */
    static List<String> conflicts(List<String> databaseNames, Transport transport, AuditConfig audit) {
        List<String> problems = new ArrayList<>();
        if (databaseNames.isEmpty()) {
            problems.add("databases: at least one database is required");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < databaseNames.size(); i++) {
            String name = databaseNames.get(i);
            Integer first = name == null ? null : seen.putIfAbsent(name, i);
            if (first != null) {
                problems.add("databases[" + i + "].name: duplicate database name '" + name + "' (also databases["
                        + first + "])");
            }
        }
        if (audit.enabled() && audit.storage() == AuditStorage.STDOUT && transport == Transport.STDIO) {
            problems.add("audit.storage: stdout cannot be used with server.transport stdio, where stdout is the MCP"
                    + " protocol channel; use stderr or file, or the http transport");
        }
        return problems;
    }

    /**
     * The rules of {@code principals} that span sections: only with the http transport (over stdio there is
     * one caller, whoever started the process), and unique names (a null name is skipped).
     */
    static List<String> principalConflicts(List<String> principalNames, Transport transport) {
        List<String> problems = new ArrayList<>();
        if (!principalNames.isEmpty() && transport == Transport.STDIO) {
            problems.add("principals: can only be used with server.transport http; over stdio the one caller is"
                    + " whoever started pg-mcp");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < principalNames.size(); i++) {
            String name = principalNames.get(i);
            Integer first = name == null ? null : seen.putIfAbsent(name, i);
            if (first != null) {
                problems.add("principals[" + i + "].name: duplicate principal name '" + name + "' (also principals["
                        + first + "])");
            }
        }
        return problems;
    }

    /**
     * Entries no caller could ever match: with no authentication at all, a {@code token} match naming no
     * configured token, a {@code subject} or {@code claim} match without OAuth.
     */
    private static List<String> unrecognisable(List<PrincipalConfig> principals, ServerConfig server) {
        List<String> problems = new ArrayList<>();
        if (principals.isEmpty() || server.transport() != Transport.HTTP) {
            return problems;
        }
        HttpConfig http = server.http();
        if (!http.authenticates()) {
            problems.add("principals: callers are recognised by their credentials; configure server.http.auth_tokens"
                    + " or server.http.oauth");
            return problems;
        }
        List<String> tokens = http.authTokens().stream().map(NamedToken::name).toList();
        for (int i = 0; i < principals.size(); i++) {
            switch (principals.get(i).match()) {
                case PrincipalMatch.Token token when !tokens.contains(token.name()) -> problems.add("principals[" + i
                        + "].match.token: '" + token.name()
                        + "' is not the name of a token in server.http.auth_tokens");
                case PrincipalMatch.Token token -> {}
                case PrincipalMatch.Subject subject when http.oauth().isEmpty() -> problems.add("principals[" + i
                        + "].match.subject: matches OAuth callers, but server.http.oauth is not configured");
                case PrincipalMatch.Claim claim when http.oauth().isEmpty() -> problems.add("principals[" + i
                        + "].match.claim: matches OAuth callers, but server.http.oauth is not configured");
                default -> {}
            }
        }
        return problems;
    }

    private static List<String> unknownDatabases(List<PrincipalConfig> principals, List<DatabaseConfig> databases) {
        List<String> names = databases.stream().map(DatabaseConfig::name).toList();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < principals.size(); i++) {
            List<PrincipalDatabase> used = principals.get(i).databases();
            for (int j = 0; j < used.size(); j++) {
                if (!names.contains(used.get(j).name())) {
                    problems.add("principals[" + i + "].databases[" + j + "].name: '" + used.get(j).name()
                            + "' is not a configured database " + names);
                }
            }
        }
        return problems;
    }
}
