package io.pgmcp.testing;

import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL container started through Testcontainers, tuned like {@link LocalCluster} (no fsync,
 * 200 connections). It cannot be restarted: Docker maps a new host port when a container restarts.
 */
final class ContainerServer implements PostgresServer {

    private final PostgreSQLContainer<?> container;
    private final String image;

    private ContainerServer(PostgreSQLContainer<?> container, String image) {
        this.container = container;
        this.image = image;
    }

    static ContainerServer start(String image, String password) {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(image));
        container.withUsername("pgmcp");
        container.withPassword(password);
        container.withDatabaseName("postgres");
        container.withCommand("postgres", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=200");
        container.start();
        return new ContainerServer(container, image);
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    @Override
    public String superuser() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String maintenanceDatabase() {
        return "postgres";
    }

    @Override
    public String describe() {
        return "testcontainers " + image + " at " + host() + ":" + port();
    }

    @Override
    public void stop() {
        container.stop();
    }
}
