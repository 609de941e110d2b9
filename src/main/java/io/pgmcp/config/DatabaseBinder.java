package io.pgmcp.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Binds one {@code databases[i]} mapping: connection (url or host/port/dbname), pool sizes, access policy. */
final class DatabaseBinder {

    /** The database's name, or null when invalid (reported). */
    String name(ConfigNode n) {
        String name = n.string("name", DatabaseConfig.DEFAULT_NAME);
        if (!DatabaseConfig.isValidName(name)) {
            n.error("name", ConfigNode.quote(name) + " must be 1-63 letters, digits, '_' or '-'");
            return null;
        }
        return name;
    }

    /** The database, or null when it has errors (all reported). */
    DatabaseConfig bind(ConfigNode n, String name) {
        ConnectionTarget target = target(n);
        int minPool = n.integer("min_pool_size", DatabaseConfig.DEFAULT_MIN_POOL_SIZE, 0,
                DatabaseConfig.MAX_POOL_SIZE_LIMIT);
        int maxPool = n.integer("max_pool_size", DatabaseConfig.DEFAULT_MAX_POOL_SIZE, 1,
                DatabaseConfig.MAX_POOL_SIZE_LIMIT);
        AccessPolicyConfig policy = policy(n.child("access_policy"));
        if (target == null || name == null) {
            return null;
        }
        return n.build(() -> new DatabaseConfig(name, target, minPool, maxPool, policy), null);
    }

    private ConnectionTarget target(ConfigNode n) {
        boolean urlGiven = n.has("url");
        Optional<String> url = n.secretText("url");
        Optional<String> user = n.optionalString("user");
        Optional<Secret> password = n.secret("password");
        boolean sslGiven = n.has("ssl_mode");
        SslMode sslMode = n.choice("ssl_mode", SslMode.PREFER);
        Optional<String> host = n.optionalString("host");
        int port = n.integer("port", ConnectionTarget.DEFAULT_PORT, 1, 65535);
        Optional<String> dbname = n.optionalString("dbname");
        if (urlGiven) {
            return fromUrl(n, url, user, password, sslGiven ? sslMode : null);
        }
        if (!n.has("host")) {
            n.error("one of url or host is required");
            return null;
        }
        if (!n.has("dbname")) {
            n.error("dbname", "required when host is given");
            return null;
        }
        if (host.isEmpty() || dbname.isEmpty()) {
            return null;
        }
        if (!ConnectionTarget.isValidHost(host.get())) {
            n.error("host", ConfigNode.quote(host.get()) + " is not a host name or IP address");
            return null;
        }
        return new ConnectionTarget(host.get(), port, dbname.get(), user, password, sslMode);
    }

    private ConnectionTarget fromUrl(ConfigNode n, Optional<String> url, Optional<String> user,
            Optional<Secret> password, SslMode sslMode) {
        boolean conflict = false;
        for (String key : List.of("host", "port", "dbname")) {
            if (n.has(key)) {
                n.error(key, "cannot be combined with url: give either url or host, port and dbname");
                conflict = true;
            }
        }
        if (url.isEmpty()) {
            return null;
        }
        ConnectionTarget parsed;
        try {
            parsed = ConnectionTarget.parse(url.get());
        } catch (IllegalArgumentException e) {
            n.error("url", e.getMessage());
            return null;
        }
        if (user.isPresent() && parsed.user().isPresent()) {
            n.error("user", "cannot be given when url contains a user name");
            conflict = true;
        }
        if (password.isPresent() && parsed.password().isPresent()) {
            n.error("password", "cannot be given when url contains a password");
            conflict = true;
        }
        if (sslMode != null && ConnectionTarget.setsSslMode(url.get())) {
            n.error("ssl_mode", "cannot be given when url sets sslmode");
            conflict = true;
        }
        if (conflict) {
            return null;
        }
        ConnectionTarget target = parsed.withCredentials(user.or(parsed::user), password.or(parsed::password));
        return sslMode == null ? target : target.withSslMode(sslMode);
    }

    private AccessPolicyConfig policy(ConfigNode p) {
        List<String> schemas = p.strings("allowed_schemas", AccessPolicyConfig.DEFAULT_SCHEMAS,
                s -> !s.isBlank() && s.strip().equals(s), "is not a schema name");

        ConfigNode t = p.child("tables");
        String tableRule = "is not a table name (table or schema.table)";
        List<String> allowed = t.strings("allowed", List.of(), TableAccessConfig::isValidName, tableRule);
        List<String> denied = t.strings("denied", List.of(), TableAccessConfig::isValidName, tableRule);
        TableAccessConfig tables = t.build(() -> new TableAccessConfig(allowed, denied), TableAccessConfig.defaults());

        ConfigNode c = p.child("columns");
        List<String> deniedColumns = c.strings("denied", List.of(), ColumnAccessConfig::isValidColumnRef,
                "must be table.column or schema.table.column");
        List<String> patterns = c.strings("denied_patterns", List.of(), s -> !s.isBlank(), "is not a pattern");
        OnDenied onDenied = c.choice("on_denied", OnDenied.REJECT);
        SelectStarPolicy selectStar = c.choice("select_star_policy", SelectStarPolicy.REJECT);
        ColumnAccessConfig columns = c.build(
                () -> new ColumnAccessConfig(deniedColumns, patterns, onDenied, selectStar),
                ColumnAccessConfig.defaults());

        ExplainPolicyConfig explain = explain(p.child("explain_policy"));

        ConfigNode f = p.child("functions");
        List<String> functions = f.strings("allowed", List.of(), FunctionAccessConfig::isValidName,
                "is not a function name (name or schema.name, letters, digits and _)");

        return p.build(
                () -> new AccessPolicyConfig(schemas, tables, columns, explain, new FunctionAccessConfig(functions)),
                AccessPolicyConfig.defaults());
    }

    private ExplainPolicyConfig explain(ConfigNode e) {
        ExplainPolicyConfig d = ExplainPolicyConfig.defaults();
        boolean enabled = e.bool("enabled", d.enabled());
        long maxRows = e.longInteger("max_estimated_rows", d.maxEstimatedRows(), 1000, Long.MAX_VALUE);
        double maxCost = e.number("max_estimated_cost", d.maxEstimatedCost(), 100, Double.MAX_VALUE);
        boolean denySeqScan = e.bool("deny_seq_scan_on_large_tables", d.denySeqScanOnLargeTables());
        long largeTable = e.longInteger("large_table_threshold", d.largeTableThreshold(), 1000, Long.MAX_VALUE);
        Duration timeout = e.seconds("timeout_seconds", d.timeout(), 1, 30);
        Duration cacheTtl = Duration.ofSeconds(
                e.integer("cache_ttl_seconds", (int) d.cacheTtl().toSeconds(), 10, Integer.MAX_VALUE));
        int cacheMaxSize = e.integer("cache_max_size", d.cacheMaxSize(), 100, Integer.MAX_VALUE);
        return e.build(() -> new ExplainPolicyConfig(enabled, maxRows, maxCost, denySeqScan, largeTable, timeout,
                cacheTtl, cacheMaxSize), d);
    }
}
