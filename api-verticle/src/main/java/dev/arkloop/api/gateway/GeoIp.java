package dev.arkloop.api.gateway;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.AbstractCountryResponse;
import com.maxmind.geoip2.model.CityResponse;
import dev.arkloop.api.auth.Cidr;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Country (ISO 3166 code) and city (English name) of an address from a MaxMind-format database
 * ({@code ARKLOOP_GEOIP_DB}: GeoIP2 / GeoLite2 City or Country). The file is memory-mapped when
 * opened (off the event loop); a lookup is an in-memory tree walk behind a small cache, cheap enough
 * for the event loop.
 */
final class GeoIp {
  /** Where an address is; either part may be null. */
  record Place(String country, String city) {
    static final Place UNKNOWN = new Place(null, null);
  }

  private final DatabaseReader reader;
  private final boolean hasCities;

  private GeoIp(DatabaseReader reader) {
    this.reader = reader;
    this.hasCities = reader.getMetadata().getDatabaseType().contains("City");
  }

  static Future<GeoIp> open(Vertx vertx, String path) {
    return vertx.executeBlocking(() -> new GeoIp(new DatabaseReader.Builder(new File(path))
            .withCache(new CHMCache()).build()))
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "ARKLOOP_GEOIP_DB: cannot read the MaxMind database " + path + ": " + e.getMessage(), e)));
  }

  void close() {
    try {
      reader.close();
    } catch (java.io.IOException e) {
      // the mapping goes with the reader; nothing else to release
    }
  }

  Place locate(String ip) {
    InetAddress address = Cidr.literal(ip);
    if (address == null) {
      return Place.UNKNOWN;
    }
    try {
      Optional<? extends AbstractCountryResponse> found = hasCities ? reader.tryCity(address)
          : reader.tryCountry(address);
      return found.map(response -> new Place(response.getCountry().getIsoCode(),
          response instanceof CityResponse city ? city.getCity().getName() : null)).orElse(Place.UNKNOWN);
    } catch (Exception e) {
      return Place.UNKNOWN; // e.g. an IPv6 address in an IPv4-only database
    }
  }
}
