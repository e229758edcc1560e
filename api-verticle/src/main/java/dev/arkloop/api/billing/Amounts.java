package dev.arkloop.api.billing;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Credit amounts in request bodies: non-zero int64 integers, else 400 naming the field. */
final class Amounts {
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Amounts() {}

  static long nonZero(JsonObject body, String field) {
    Object raw = body.getValue(field);
    if (raw == null) {
      throw ApiException.invalid(field, field + " is required");
    }
    BigInteger value;
    try {
      if (raw instanceof Integer || raw instanceof Long) {
        value = BigInteger.valueOf(((Number) raw).longValue());
      } else if (raw instanceof BigInteger big) {
        value = big;
      } else if (raw instanceof Number number) {
        value = new BigDecimal(number.toString()).toBigIntegerExact();
      } else if (raw instanceof String text) {
        value = new BigInteger(text.trim());
      } else {
        throw new NumberFormatException();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw ApiException.invalid(field, field + " must be an integer");
    }
    if (value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
      throw ApiException.invalid(field, field + " must fit in a signed 64-bit integer");
    }
    if (value.signum() == 0) {
      throw ApiException.invalid(field, field + " must not be zero");
    }
    return value.longValueExact();
  }

  /** A balance pushed beyond int64 by an adjustment: the adjustment is refused, not a 500. */
  static Throwable overflow(Throwable failure) {
    if (failure instanceof io.vertx.pgclient.PgException pg && "22003".equals(pg.getSqlState())) {
      return ApiException.invalid("amount", "the balance would leave the signed 64-bit range");
    }
    return failure;
  }
}
