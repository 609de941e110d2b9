@echo off
rem pg-mcp launcher for Windows, the counterpart of bin/pg-mcp. Runs the Java runtime bundled in this
rem image; no JDK needs to be installed. stdout belongs to the MCP protocol on stdio: the JVM is told to
rem print its own messages to stderr. Extra JVM options (e.g. -Xmx512m) may be given in PG_MCP_JAVA_OPTS.
rem Variables are local and not named PG_MCP_*: pg-mcp reads PG_MCP_* variables as configuration.
setlocal
for %%I in ("%~dp0..") do set "pgmcp_home=%%~fI"
set "pgmcp_cache="
if exist "%pgmcp_home%\lib\pg-mcp.aot" set pgmcp_cache="-XX:AOTCache=%pgmcp_home%\lib\pg-mcp.aot"
"%pgmcp_home%\bin\java.exe" "@%pgmcp_home%\lib\pg-mcp.jvmflags" %pgmcp_cache% %PG_MCP_JAVA_OPTS% -jar "%pgmcp_home%\app\pg-mcp.jar" %*
exit /b %ERRORLEVEL%
