package io.pgmcp.testing;

/** A server someone else runs, named by {@code PG_MCP_TEST_URL}; the fixture never stops it. */
record ExternalServer(ServerUrl url) implements PostgresServer {

    @Override
    public String host() {
        return url.host();
    }

    @Override
    public int port() {
        return url.port();
    }

    @Override
    public String superuser() {
        return url.user();
    }

    @Override
    public String password() {
        return url.password();
    }

    @Override
    public String maintenanceDatabase() {
        return url.database();
    }

    @Override
    public String describe() {
        return "PG_MCP_TEST_URL " + url;
    }

    @Override
    public void stop() {
        // not ours to stop; TestPostgres drops the databases and roles it created
    }

    @Override
    public String toString() {
        return describe();
    }
}
