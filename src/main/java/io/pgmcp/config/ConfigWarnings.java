package io.pgmcp.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Legal but risky settings worth telling the operator about at start-up and in
 * {@code --validate-config}. Database warnings start with {@code databases[i] (name): }.
 */
final class ConfigWarnings {
    private ConfigWarnings() {}

    static List<String> of(PgMcpConfig config) {
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < config.databases().size(); i++) {
            DatabaseConfig db = config.databases().get(i);
            database(db, "databases[" + i + "] (" + db.name() + "): ", warnings);
        }
        if (!config.openai().configured()) {
            warnings.add("openai: neither api_key nor base_url is set; the query tool will answer OPENAI_ERROR"
                    + " (execute_sql works without an LLM)");
        }
        TracingConfig tracing = config.observability().tracing();
        if (tracing.enabled() && tracing.sampleRate() == 0.0) {
            warnings.add("observability.tracing: enabled with sample_rate 0, so no trace will ever be recorded");
        }
        ServerConfig server = config.server();
        if (server.transport() == Transport.HTTP && !server.http().authenticates()) {
            warnings.add("server.http: no auth_tokens and no oauth; any local process or user can call the HTTP"
                    + " endpoint");
        }
        server.http().oauth().ifPresent(oauth -> oauthWarnings(oauth, warnings));
        return List.copyOf(warnings);
    }

    private static void oauthWarnings(OAuthConfig oauth, List<String> warnings) {
        for (AuthorizationServerConfig server : oauth.authorizationServers()) {
            URI issuer = URI.create(server.issuer());
            if (issuer.getScheme().equalsIgnoreCase("http") && !HttpConfig.isLoopback(issuer.getHost())) {
                warnings.add("server.http.oauth: issuer " + server.issuer() + " is plain http: its metadata and keys"
                        + " can be replaced on the way, and with them anyone could mint accepted tokens; use https");
            }
        }
    }

    private static void database(DatabaseConfig db, String prefix, List<String> warnings) {
        AccessPolicyConfig policy = db.accessPolicy();
        if (!policy.tables().restricts()) {
            warnings.add(prefix + "no table restrictions (access_policy.tables.allowed and denied are empty):"
                    + " every table in the allowed schemas can be read");
        }
        if (!policy.columns().restricts()) {
            warnings.add(
                    prefix + "no column restrictions (access_policy.columns.denied and denied_patterns are empty)");
        }
        for (String pattern : policy.columns().deniedPatterns()) {
            if (pattern.equals("*") || pattern.equals("*.*") || pattern.equals("**")) {
                warnings.add(
                        prefix + "column pattern '" + pattern + "' matches every column, so no column can be read");
            } else if (pattern.chars().filter(c -> c == '*').count() > 2) {
                warnings.add(
                        prefix + "column pattern '" + pattern + "' has more than two '*' and may match too broadly");
            }
        }
        for (String schema : policy.allowedSchemas()) {
            String lower = schema.toLowerCase(Locale.ROOT);
            if (lower.equals("pg_catalog") || lower.equals("information_schema")) {
                warnings.add(prefix + "allowed_schemas includes " + schema
                        + ": the system catalogs describe every object, role and setting in the database");
            }
        }
    }
}
