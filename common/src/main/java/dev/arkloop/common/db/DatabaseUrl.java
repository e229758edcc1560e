package dev.arkloop.common.db;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** A {@code postgresql://user:password@host:port/database?sslmode=...} URL in the two forms we need. */
public record DatabaseUrl(String host, int port, String database, String user, String password, String sslMode) {

  public static DatabaseUrl parse(String url) {
    URI uri = URI.create(url.replaceFirst("^postgres(ql)?://", "postgresql://"));
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String database = uri.getPath() == null || uri.getPath().length() <= 1 ? user : uri.getPath().substring(1);
    String sslMode = null;
    if (uri.getQuery() != null) {
      for (String pair : uri.getQuery().split("&")) {
        if (pair.startsWith("sslmode=")) {
          sslMode = pair.substring("sslmode=".length());
        }
      }
    }
    return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, password, sslMode);
  }

  public static DatabaseUrl local(int port, String database) {
    return new DatabaseUrl("127.0.0.1", port, database, "postgres", null, null);
  }

  public DatabaseUrl withDatabase(String otherDatabase) {
    return new DatabaseUrl(host, port, otherDatabase, user, password, sslMode);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + (sslMode == null ? "" : "?sslmode=" + sslMode);
  }

  public Properties jdbcProperties() {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256)
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
    if (password != null) {
      options.setPassword(password);
    }
    return options;
  }

  /** The URL without the password, for logs. */
  public String redacted() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  public String toUrl() {
    String auth = password == null ? user : user + ":" + password;
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database
        + (sslMode == null ? "" : "?sslmode=" + sslMode);
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
