package dev.arkloop.api.projects;

/**
 * One {@code Range: bytes=…} request against a file of known size, inclusive at both ends. A header
 * that is absent, malformed, not in bytes, or asks for several ranges is ignored (the whole file is
 * served, as RFC 9110 allows); a well-formed range starting past the end is unsatisfiable.
 */
record ByteRange(long start, long end) {
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  long length() {
    return end - start + 1;
  }

  /** The range to serve, null for the whole file, or {@link #UNSATISFIABLE}. */
  static ByteRange parse(String header, long size) {
    if (header == null || !header.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String spec = header.substring(6).trim();
    int dash = spec.indexOf('-');
    if (spec.contains(",") || dash < 0) {
      return null;
    }
    Long first = number(spec.substring(0, dash).trim());
    Long last = number(spec.substring(dash + 1).trim());
    if (first == null) {
      if (last == null) {
        return null;
      }
      return last == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - last), size - 1);
    }
    if (last != null && last < first) {
      return null;
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(first, last == null ? size - 1 : Math.min(last, size - 1));
  }

  /** Digits only (no sign, no spaces), or null. */
  private static Long number(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return null;
      }
    }
    return Long.parseLong(text);
  }
}
