package io.pgmcp.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds the {@code principals} list: each entry's name, match, and databases with their roles and policy
 * overlays, checking that every overlay only narrows its database's policy ({@link PolicyOverlay}) and
 * reporting each widening at its key path.
 */
final class PrincipalBinder {
    private static final String MATCH_FORMS = "one of {token: NAME}, {subject: VALUE}, {claim: NAME, value: VALUE}";

    private final BindContext ctx;
    private final Map<String, DatabaseConfig> databases = new HashMap<>();
    private final List<String> databaseNames;

    /**
     * @param databases     the databases that bound without errors
     * @param databaseNames every configured database name (null for an invalid one), for messages
     */
    PrincipalBinder(BindContext ctx, List<DatabaseConfig> databases, List<String> databaseNames) {
        this.ctx = ctx;
        databases.forEach(db -> this.databases.put(db.name(), db));
        this.databaseNames = databaseNames.stream().filter(n -> n != null).toList();
    }

    /** The principal names as given (null for a missing or invalid one), in file order; filled by {@link #bind}. */
    private final List<String> names = new ArrayList<>();

    List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(names));
    }

    /** The principals that bound without errors (the others are reported). */
    List<PrincipalConfig> bind(ConfigNode root) {
        List<PrincipalConfig> principals = new ArrayList<>();
        for (ConfigNode item : root.children("principals")) {
            if (item == null) {
                names.add(null);
                continue;
            }
            PrincipalConfig principal = principal(item);
            if (principal != null) {
                principals.add(principal);
            }
        }
        return principals;
    }

    private PrincipalConfig principal(ConfigNode n) {
        Optional<String> name = n.optionalString("name");
        if (!n.has("name")) {
            n.error("name", "required: a label for metrics and logs, 1-64 of [A-Za-z0-9._-]");
        } else if (name.isPresent() && !PrincipalConfig.isValidName(name.get())) {
            n.error("name", ConfigNode.quote(name.get()) + " must be 1-64 letters, digits, '.', '_' or '-'");
            name = Optional.empty();
        }
        names.add(name.orElse(null));
        PrincipalMatch match = match(n);
        List<PrincipalDatabase> used = new ArrayList<>();
        List<ConfigNode> items = n.children("databases");
        if (items.isEmpty()) {
            n.error("databases", "at least one database is required");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigNode d = items.get(i);
            PrincipalDatabase database = d == null ? null : database(d);
            if (database == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(database.name(), i);
            if (first != null) {
                d.error("name", "database '" + database.name() + "' is listed twice (also databases[" + first + "])");
                continue;
            }
            used.add(database);
        }
        if (name.isEmpty() || match == null || used.size() != items.size()) {
            return null;
        }
        String principalName = name.get();
        return n.build(() -> new PrincipalConfig(principalName, match, used), null);
    }

    private PrincipalMatch match(ConfigNode n) {
        if (!n.has("match")) {
            n.error("match", "required: " + MATCH_FORMS);
            return null;
        }
        ConfigNode m = n.child("match");
        Optional<String> token = m.optionalString("token");
        Optional<String> subject = m.optionalString("subject");
        Optional<String> claim = m.optionalString("claim");
        Optional<String> value = m.optionalString("value");
        int forms = (m.has("token") ? 1 : 0) + (m.has("subject") ? 1 : 0) + (m.has("claim") ? 1 : 0);
        if (forms != 1) {
            m.error("needs exactly " + MATCH_FORMS + "; got " + forms);
            return null;
        }
        if (m.has("value") && !m.has("claim")) {
            m.error("value", "only with claim");
            return null;
        }
        if (m.has("claim") && !m.has("value")) {
            m.error("value", "required with claim: the value the claim must hold");
            return null;
        }
        if (token.isPresent()) {
            return m.build(() -> new PrincipalMatch.Token(token.get()), null);
        }
        if (subject.isPresent()) {
            return m.build(() -> new PrincipalMatch.Subject(subject.get()), null);
        }
        if (claim.isPresent() && value.isPresent()) {
            return m.build(() -> new PrincipalMatch.Claim(claim.get(), value.get()), null);
        }
        return null; // an empty value, reported
    }

    /** One {@code databases[j]} of a principal, or null when it has errors (reported). */
    private PrincipalDatabase database(ConfigNode d) {
        Optional<String> name = d.optionalString("name");
        Optional<String> role = d.optionalString("role");
        if (role.isPresent()) {
            String problem = PrincipalDatabase.roleProblem(role.get());
            if (problem != null) {
                d.error("role", ConfigNode.quote(role.get()) + " " + problem);
                role = null;
            }
        }
        int errorsBefore = ctx.errorCount();
        ConfigNode p = d.child("access_policy");
        PolicyOverlay overlay = d.has("access_policy") ? overlay(p) : PolicyOverlay.none();
        boolean overlayBound = ctx.errorCount() == errorsBefore;
        if (!d.has("name")) {
            d.error("name", "required: one of the configured databases " + databaseNames);
            return null;
        }
        if (name.isEmpty()) {
            return null;
        }
        if (!databaseNames.contains(name.get())) {
            d.error("name", ConfigNode.quote(name.get()) + " is not a configured database " + databaseNames);
            return null;
        }
        DatabaseConfig db = databases.get(name.get());
        if (db == null || role == null || !overlayBound) {
            return null; // the database itself, the role or the overlay has errors, all reported
        }
        List<PolicyOverlay.Widening> widenings = overlay.widenings(db.accessPolicy(), db.name());
        if (!widenings.isEmpty()) {
            widenings.forEach(w -> p.error(w.key(), w.message()));
            return null;
        }
        AccessPolicyConfig effective = overlay.applyTo(db.accessPolicy(), db.name());
        Optional<String> principalRole = role;
        return d.build(() -> new PrincipalDatabase(db.name(), principalRole, effective), null);
    }

    private PolicyOverlay overlay(ConfigNode p) {
        for (String key : List.of("explain_policy", "functions")) {
            if (p.has(key)) {
                p.error(key, "cannot be set for a principal: the database's " + key + " applies");
            }
        }
        Optional<List<String>> schemas = p.has("allowed_schemas")
                ? Optional.of(p.strings("allowed_schemas", List.of(), s -> !s.isBlank() && s.strip().equals(s),
                        "is not a schema name"))
                : Optional.empty();
        ConfigNode t = p.child("tables");
        String tableRule = "is not a table name (table or schema.table)";
        Optional<List<String>> allowed = t.has("allowed")
                ? Optional.of(t.strings("allowed", List.of(), TableAccessConfig::isValidName, tableRule))
                : Optional.empty();
        List<String> deniedTables = t.strings("denied", List.of(), TableAccessConfig::isValidName, tableRule);
        ConfigNode c = p.child("columns");
        List<String> deniedColumns = c.strings("denied", List.of(), ColumnAccessConfig::isValidColumnRef,
                "must be table.column or schema.table.column");
        List<String> patterns = c.strings("denied_patterns", List.of(), s -> !s.isBlank(), "is not a pattern");
        for (String key : List.of("on_denied", "select_star_policy")) {
            if (c.has(key)) {
                c.error(key, "cannot be set for a principal: the database's columns." + key + " applies");
            }
        }
        return new PolicyOverlay(schemas, allowed, deniedTables, deniedColumns, patterns);
    }
}
