package dev.arkloop.api.asr;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.http.HttpClientOptions;

/** Wires the ASR credential and transcription endpoints. */
public final class AsrModule implements Resource {
  private final AsrCredentialRoutes credentialRoutes;
  private final TranscriptionRoutes transcriptionRoutes;

  public AsrModule(ApiContext api) {
    String key = api.config().secrets().encryptionKey();
    SecretBox secrets = key == null ? null : new SecretBox(key);
    AsrAddressPolicy addresses = new AsrAddressPolicy(
        new OutboundGuard(api.vertx(), api.config().llm().allowPrivateProviderUrls()));
    AsrCredentialRepository credentials = new AsrCredentialRepository(api.pool());
    Transcriber transcriber = new Transcriber(api.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false)),
        addresses, api.config().llm().connectTimeoutMs());
    this.credentialRoutes = new AsrCredentialRoutes(credentials, addresses, secrets);
    this.transcriptionRoutes = new TranscriptionRoutes(credentials, transcriber, secrets);
  }

  @Override
  public void mount(Routes routes) {
    credentialRoutes.mount(routes);
    transcriptionRoutes.mount(routes);
  }
}
