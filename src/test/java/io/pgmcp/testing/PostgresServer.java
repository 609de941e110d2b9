package io.pgmcp.testing;

/**
 * A running PostgreSQL server the fixture may create databases on, as a superuser (or at least a
 * role with {@code CREATEDB}) over TCP with a password.
 */
sealed interface PostgresServer permits LocalCluster, ContainerServer, ExternalServer {

    String host();

    int port();

    String superuser();

    String password();

    /** The database the fixture connects to for {@code CREATE/DROP DATABASE} and roles. */
    String maintenanceDatabase();

    /** One line for humans, e.g. {@code local binaries 15 at 127.0.0.1:41234}. */
    String describe();

    /** Releases what the fixture started; a no-op for servers it did not start. Idempotent. */
    void stop();
}
