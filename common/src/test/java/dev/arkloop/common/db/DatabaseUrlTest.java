package dev.arkloop.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void parsesEveryPart() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://ark%40user:s3cr%3At@db.example:6543/arkloop?sslmode=require");
    assertEquals("db.example", url.host());
    assertEquals(6543, url.port());
    assertEquals("arkloop", url.database());
    assertEquals("ark@user", url.user());
    assertEquals("s3cr:t", url.password());
    assertEquals("jdbc:postgresql://db.example:6543/arkloop?sslmode=require", url.jdbcUrl());
    assertEquals("postgresql://ark@user@db.example:6543/arkloop", url.redacted());
  }

  @Test
  void defaultsPortUserAndDatabase() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://localhost");
    assertEquals(5432, url.port());
    assertEquals("postgres", url.user());
    assertEquals("postgres", url.database());
    assertNull(url.password());
  }
}
