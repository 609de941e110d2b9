package io.pgmcp.testing;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a class's {@code main} in a child JVM on this test classpath. When this
 * JVM runs under the JaCoCo agent ({@code ./mvnw verify}), the child gets the same agent, writing to
 * the same execution-data file (the agent appends under a file lock), so what the child runs counts
 * towards coverage. A child that is killed rather than exiting writes nothing.
 */
public final class ChildJvm {

    private ChildJvm() {}

    public static List<String> command(Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("-javaagent:") && argument.contains("jacoco"))
                .forEach(command::add);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }
}
