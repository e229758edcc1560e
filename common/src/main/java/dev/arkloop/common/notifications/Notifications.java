package dev.arkloop.common.notifications;

import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the platform notifies a user: {@link #send} writes the notification in the caller's
 * transaction, so it exists if and only if what it reports was committed, and announces it on the
 * user's live channel once that transaction has committed (never before: a listener must not hear
 * of a row it cannot read yet).
 */
public final class Notifications {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  /** The columns of a notification, as the API shows it. */
  public static final String COLUMNS = "id, user_id, org_id, type, title, body, payload, read_at, created_at";
  private static final String INSERT = "INSERT INTO notifications (id, user_id, org_id, type, title, body, payload) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS;

  private final NotificationChannels channels;

  public Notifications(NotificationChannels channels) {
    this.channels = channels;
  }

  public Future<JsonObject> send(SqlConnection tx, UUID userId, String type, String title, String body,
      JsonObject payload) {
    return send(tx, userId, null, type, title, body, payload);
  }

  /** The same, about something of account {@code orgId}. */
  public Future<JsonObject> send(SqlConnection tx, UUID userId, UUID orgId, String type, String title, String body,
      JsonObject payload) {
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(Ids.newId(), userId, orgId, type, title, body, payload == null ? new JsonObject() : payload))
        .map(rows -> {
          JsonObject notification = RowJson.first(rows);
          Transaction transaction = tx.transaction();
          Future<Void> committed = transaction == null ? Future.succeededFuture() : transaction.completion();
          committed.onSuccess(v -> channels.publish(userId, notification).onFailure(e ->
              LOG.debug("notification not announced [user: {}]: {}", userId, e.toString())));
          return notification;
        });
  }
}
