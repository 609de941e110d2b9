import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The floor of the peers measure: the least a Java MCP server over stdio can do for a SQL tool call, and no
 * more — read a line, parse it as JSON, run its {@code arguments.sql} as it is on one pgjdbc connection
 * (autocommit: no transaction, no read-only mode, no guard, no limits, no reset), write the rows as one JSON
 * line. One thread; a JVM with its defaults but the serial collector. It shows, in the same run, how fast any
 * server built on the JVM and pgjdbc could be on this host: the peers' ratios are to be read against it.
 *
 * <p>Usage: {@code java -cp "IMAGE/app/*:CLASSES" PeerFloor JDBC_URL} (scripts/PeerBench.java compiles and
 * starts it). Answers {@code initialize}, {@code tools/list} and {@code tools/call} (one tool, {@code query});
 * every other request gets {@code -32601}; notifications are ignored. Not a server for any other use.
 */
public final class PeerFloor {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0])) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            OutputStream out = new FileOutputStream(FileDescriptor.out);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode request = JSON.readTree(line);
                JsonNode id = request.get("id");
                if (id == null) {
                    continue;
                }
                ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0").set("id", id);
                switch (request.path("method").asText()) {
                    case "initialize" -> answer.putObject("result").put("protocolVersion", "2025-06-18")
                            .<ObjectNode>set("capabilities", JSON.createObjectNode().set("tools", JSON.createObjectNode()))
                            .putObject("serverInfo").put("name", "peer-floor").put("version", "1");
                    case "tools/list" -> answer.putObject("result").putArray("tools").addObject().put("name", "query")
                            .putObject("inputSchema").put("type", "object");
                    case "tools/call" -> answer.set("result", call(connection,
                            request.path("params").path("arguments").path("sql").asText()));
                    default -> answer.putObject("error").put("code", -32601).put("message", "Method not found");
                }
                out.write(JSON.writeValueAsBytes(answer));
                out.write('\n');
                out.flush();
            }
        }
    }

    private static ObjectNode call(Connection connection, String sql) {
        ObjectNode result = JSON.createObjectNode();
        StringBuilder text = new StringBuilder();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            var rows = JSON.createArrayNode();
            while (rs.next()) {
                ObjectNode row = rows.addObject();
                for (int c = 1; c <= columns; c++) {
                    row.put(rs.getMetaData().getColumnLabel(c), rs.getString(c));
                }
            }
            text.append(JSON.writeValueAsString(rows));
            result.put("isError", false);
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            text.append(e.getMessage());
            result.put("isError", true);
        }
        result.putArray("content").addObject().put("type", "text").put("text", text.toString());
        return result;
    }
}
