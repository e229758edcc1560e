package dev.arkloop.worker;

import dev.arkloop.common.bus.ConfigChanges;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.redis.RedisConnections;
import dev.arkloop.common.redis.RedisKeys;
import dev.arkloop.common.runs.RunStreams;
import dev.arkloop.worker.runs.RunExecuteHandler;
import io.vertx.redis.client.Redis;
import dev.arkloop.worker.jobs.JobHandler;
import dev.arkloop.worker.jobs.JobRunner;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.worker.llm.DatabaseModelRouter;
import dev.arkloop.worker.llm.EnvRoutes;
import dev.arkloop.worker.llm.LlmClients;
import dev.arkloop.worker.llm.ModelRouter;
import dev.arkloop.worker.llm.ResilientModelCaller;
import dev.arkloop.worker.llm.StubModelRouter;
import dev.arkloop.worker.mail.EmailSendHandler;
import dev.arkloop.worker.mail.Mailers;
import dev.arkloop.common.mail.MailSettings;
import dev.arkloop.worker.notifications.BroadcastHandler;
import dev.arkloop.common.notifications.NotificationChannels;
import dev.arkloop.common.notifications.Notifications;
import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.webhooks.WebhookAddresses;
import dev.arkloop.common.webhooks.WebhookSender;
import dev.arkloop.worker.webhooks.WebhookDeliverHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs jobs: the agent loop of runs, and the outbox jobs. Only wires the handlers to the runner. */
public final class RunWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RunWorkerVerticle.class);
  private final ArkloopConfig config;
  private final NodeEndpoints endpoints;
  private Pool pool;
  private Redis redis;
  private JobRunner runner;
  private RunTooling tooling;
  private Mailers mailers;
  private WebhookSender webhookSender;

  public RunWorkerVerticle(ArkloopConfig config, NodeEndpoints endpoints) {
    this.config = config;
    this.endpoints = endpoints;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, endpoints.database(), config.infra().dbPoolSize());
    ArkloopConfig.Worker worker = config.worker();
    redis = RedisConnections.pooled(vertx, endpoints.redisUrl());
    RunStreams streams = new RunStreams(redis, new RedisKeys(config.infra().redisKeyPrefix()));
    tooling = new RunTooling(vertx, pool, config);
    RedisKeys keys = new RedisKeys(config.infra().redisKeyPrefix());
    NotificationChannels channels = new NotificationChannels(redis, keys);
    Notifications notifications = new Notifications(channels);
    ArkloopConfig.Billing billing = config.billing();
    List<JobHandler> handlers = new ArrayList<>(List.of(new RunExecuteHandler(vertx, pool, streams, modelRouter(),
        tooling.policies(), config.runs(), new ResilientModelCaller.Policy(config.llm().retryMaxAttempts(),
            config.llm().retryBaseDelayMs()), notifications, new CreditLedger.Metering(billing.metering(),
            billing.creditsPerUsd(), billing.lowCreditsThreshold(), notifications))));
    MailSettings mailSettings = new MailSettings(vertx, pool, config.mail(),
        SecretBox.optional(config.secrets().encryptionKey()));
    mailers = new Mailers(vertx, mailSettings);
    handlers.add(new EmailSendHandler(pool, mailers));
    handlers.add(new BroadcastHandler(pool, channels, BroadcastHandler.DEFAULT_BATCH));
    webhookSender = new WebhookSender(vertx, new WebhookAddresses(vertx, config.webhooks().allowPrivate()),
        config.webhooks().timeoutMillis());
    handlers.add(new WebhookDeliverHandler(vertx, pool, SecretBox.optional(config.secrets().encryptionKey()),
        webhookSender, notifications, config.webhooks()));
    handlers.removeIf(handler -> !worker.consumes(handler.type()));
    runner = new JobRunner(vertx, new JobQueue(pool), handlers, new JobRunner.Settings(
        worker.concurrency(), Duration.ofMillis(worker.pollMillis()), Duration.ofSeconds(worker.leaseSeconds()),
        Duration.ofSeconds(worker.heartbeatSeconds()), ManagementFactory.getRuntimeMXBean().getName()));
    return mailSettings.start()
        .onSuccess(mail -> {
          if (!mail.configured() && worker.consumes(EmailSendHandler.TYPE)) {
            LOG.warn("SMTP is not configured (ARKLOOP_SMTP_HOST or PUT /v1/admin/email/config): "
                + "email.send jobs wait for it and fail after their retries");
          }
        })
        .compose(mail -> runner.start()).onSuccess(ok -> LOG.info("run worker started [role: {}, slots: {}, job types: {}]",
        config.role().label(), worker.concurrency(), handlers.stream().map(JobHandler::type).toList()));
  }

  /** Configured providers first; with none, the environment's keys on the embedded node; with neither, the stub. */
  private ModelRouter modelRouter() {
    LlmClients clients = LlmClients.create(vertx, config.llm());
    String key = config.secrets().encryptionKey();
    if (key == null) {
      LOG.warn("ARKLOOP_ENCRYPTION_KEY is not set: providers configured over the API cannot be used");
    }
    DatabaseModelRouter router = new DatabaseModelRouter(pool, key == null ? null : new SecretBox(key), clients,
        EnvRoutes.of(config, clients), new StubModelRouter(vertx, config.runs().stubTokenDelayMs(),
            config.billing().stubCostPer1kTokens()));
    ConfigChanges.listen(vertx, ConfigChanges.MODEL_ROUTES, router::forget); // unregistered with the verticle
    return router;
  }

  @Override
  public Future<?> stop() {
    return runner.stop()
        .eventually(tooling::close)
        .eventually(() -> mailers.close())
        .eventually(() -> webhookSender.close())
        .eventually(() -> Future.all(pool.close(), redis.close()));
  }
}
