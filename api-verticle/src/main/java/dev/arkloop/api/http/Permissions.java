package dev.arkloop.api.http;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The permission points and what each role holds (API.md §1.3). */
public final class Permissions {
  public static final String TEAMS_READ = "org.teams.read";
  public static final String TEAMS_MANAGE = "org.teams.manage";
  public static final String MEMBERS_INVITE = "org.members.invite";
  public static final String MEMBERS_LIST = "org.members.list";
  public static final String MEMBERS_REVOKE = "org.members.revoke";
  public static final String AUDIT_READ = "org.audit_read";
  /** Not named by API.md, which leaves IP-rule permissions open: held by account admins. */
  public static final String IP_RULES_MANAGE = "org.ip_rules.manage";
  /**
   * The caller's own profile, invite code and usage. Held by every role; exists so an API key can be
   * narrowed away from them.
   */
  public static final String PROFILE_READ = "user.profile.read";
  public static final String PROFILE_WRITE = "user.profile.write";
  /** Creating a new account (the creator becomes its admin), and joining one by invitation. */
  public static final String ACCOUNTS_CREATE = "user.accounts.create";
  public static final String INVITATIONS_ACCEPT = "user.invitations.accept";
  public static final String THREADS_READ = "data.threads.read";
  public static final String THREADS_WRITE = "data.threads.write";
  public static final String RUNS_READ = "data.runs.read";
  public static final String RUNS_WRITE = "data.runs.write";
  public static final String API_KEYS_MANAGE = "data.api_keys.manage";
  public static final String PERSONAS_READ = "data.personas.read";
  public static final String PERSONAS_MANAGE = "data.personas.manage";
  public static final String PROJECTS_READ = "data.projects.read";
  public static final String PROJECTS_MANAGE = "data.projects.manage";
  public static final String SKILLS_READ = "data.skills.read";
  public static final String SKILLS_MANAGE = "data.skills.manage";
  public static final String SUBSCRIPTIONS_READ = "data.subscriptions.read";
  public static final String LLM_CREDENTIALS_MANAGE = "data.llm_credentials.manage";
  public static final String MCP_CONFIGS_MANAGE = "data.mcp_configs.manage";
  public static final String SECRETS_MANAGE = "data.secrets.manage";
  public static final String WEBHOOKS_MANAGE = "data.webhooks.manage";
  public static final String CHANNELS_MANAGE = "data.channels.manage";
  public static final String USAGE_READ = "data.usage.read";
  public static final String SCHEDULED_JOBS_MANAGE = "data.scheduled_jobs.manage";
  public static final String PLATFORM_ADMIN = "platform.admin";
  public static final String PLANS_MANAGE = "platform.plans.manage";
  public static final String PLATFORM_SUBSCRIPTIONS_MANAGE = "platform.subscriptions.manage";
  public static final String ENTITLEMENTS_MANAGE = "platform.entitlements.manage";
  public static final String FEATURE_FLAGS_MANAGE = "platform.feature_flags.manage";
  public static final String INVITE_CODES_MANAGE = "platform.invite_codes.manage";

  public static final String ROLE_MEMBER = "account_member";
  public static final String ROLE_ADMIN = "account_admin";
  public static final String ROLE_PLATFORM_ADMIN = "platform_admin";
  public static final String ROLE_SYSTEM_AGENT = "system_agent";

  private static final Set<String> USER = Set.of(PROFILE_READ, PROFILE_WRITE, ACCOUNTS_CREATE, INVITATIONS_ACCEPT);
  private static final Set<String> MEMBER = union(USER, Set.of(TEAMS_READ, THREADS_READ, THREADS_WRITE, RUNS_READ,
      RUNS_WRITE, API_KEYS_MANAGE, PERSONAS_READ, PROJECTS_READ, SKILLS_READ, SKILLS_MANAGE, SUBSCRIPTIONS_READ));
  private static final Set<String> ADMIN = union(MEMBER, Set.of(MEMBERS_INVITE, MEMBERS_LIST, MEMBERS_REVOKE,
      TEAMS_MANAGE, AUDIT_READ, IP_RULES_MANAGE, PERSONAS_MANAGE, LLM_CREDENTIALS_MANAGE, MCP_CONFIGS_MANAGE,
      SECRETS_MANAGE, PROJECTS_MANAGE, WEBHOOKS_MANAGE, CHANNELS_MANAGE, USAGE_READ, SCHEDULED_JOBS_MANAGE));
  private static final Set<String> PLATFORM = union(ADMIN, Set.of(PLATFORM_ADMIN, PLANS_MANAGE,
      PLATFORM_SUBSCRIPTIONS_MANAGE, ENTITLEMENTS_MANAGE, FEATURE_FLAGS_MANAGE, INVITE_CODES_MANAGE));
  private static final Set<String> SYSTEM_AGENT = union(USER, Set.of(PERSONAS_READ, PERSONAS_MANAGE, SKILLS_READ, SKILLS_MANAGE,
      LLM_CREDENTIALS_MANAGE, MCP_CONFIGS_MANAGE, PROJECTS_READ, PROJECTS_MANAGE, WEBHOOKS_MANAGE,
      FEATURE_FLAGS_MANAGE));

  /** Every permission point there is. */
  public static final Set<String> ALL = union(PLATFORM, SYSTEM_AGENT);

  private Permissions() {}

  /** A null role (no membership) holds nothing. */
  public static Set<String> of(String role) {
    if (role == null) {
      return Set.of();
    }
    return switch (role) {
      case ROLE_PLATFORM_ADMIN -> PLATFORM;
      case ROLE_ADMIN, "owner" -> ADMIN;
      case ROLE_SYSTEM_AGENT -> SYSTEM_AGENT;
      default -> MEMBER;
    };
  }

  /** Sorted for stable output. */
  public static List<String> sorted(Set<String> permissions) {
    return permissions.stream().sorted().toList();
  }

  /** The account role as clients name it; {@code member} and {@code admin} are accepted aliases. */
  public static String normalizeAccountRole(String role) {
    return switch (role) {
      case "account_member", "member" -> ROLE_MEMBER;
      case "account_admin", "admin", "owner" -> ROLE_ADMIN;
      default -> null;
    };
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
