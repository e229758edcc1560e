package dev.arkloop.api.http;

/** One resource's endpoints. {@code ApiRouter} lists every resource and mounts each through this. */
public interface Resource {
  void mount(Routes routes);
}
